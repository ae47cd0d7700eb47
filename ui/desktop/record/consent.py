"""Every consent answer the patient gave, oldest first, with the version of the text shown."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ui.desktop.ports import ConsentView
from ui.desktop.text import date_time

COLUMNS = ("Recorded", "Consent text", "Answer", "Stored", "Synced", "Kept for")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


class ConsentTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setShowGrid(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    def set_consents(self, consents: Sequence[ConsentView]) -> None:
        self.setRowCount(len(consents))
        for row, consent in enumerate(consents):
            kept = (
                "Until erased"
                if consent.retention_days is None
                else f"{consent.retention_days} days"
            )
            cells = (
                date_time(consent.recorded_at),
                consent.text_version,
                "Agreed" if consent.granted else "Refused",
                _yes(consent.allow_storage),
                _yes(consent.allow_sync),
                kept,
            )
            for column, text in enumerate(cells):
                self.setItem(row, column, QTableWidgetItem(text))

    def clear_rows(self) -> None:
        self.setRowCount(0)
