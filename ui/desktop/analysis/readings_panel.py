"""The numbers beside the photo: quality warnings, every measure's level and reading (or why it was
not measured), the chosen measure's value per region, and the summary lines."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.vocabulary import NOT_MEASURED
from ui.desktop.ports import AnalysisDetail, MeasureReading
from ui.widgets.basics import label

KEY_ROLE = Qt.ItemDataRole.UserRole
MIN_WIDTH = 300
"""The panel's narrowest, before its readings are known (then as wide as they need)."""


def _table(columns: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setShowGrid(False)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def level_text(reading: MeasureReading) -> str:
    return "—" if reading.level is None else f"{reading.level:.0f}"


class ReadingsPanel(QWidget):
    measure_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumWidth(MIN_WIDTH)
        self.quality = label("", "warning", wrap=True)
        self.quality.setVisible(False)
        self.measures = _table(("Measure", "Level", "Reading"))
        self.regions_title = label("", "sectionTitle")
        self.why = label("", "muted", wrap=True)  # why the chosen measure was not measured
        self.why.setVisible(False)
        self.regions = _table(("Region", "Level"))
        self.regions.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.summary = QFormLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.quality)
        layout.addWidget(self.measures, 3)
        layout.addWidget(self.regions_title)
        layout.addWidget(self.why)
        layout.addWidget(self.regions, 2)
        layout.addLayout(self.summary)
        self.readings: dict[str, MeasureReading] = {}
        self.measures.itemSelectionChanged.connect(self._chosen)

    def show_detail(self, detail: AnalysisDetail) -> None:
        self.readings = {r.key: r for r in detail.measures}
        problems = [
            f"{'Failed' if q.status == 'fail' else 'Warning'}: {q.message or q.check} ({q.check})"
            for q in detail.quality
        ]
        self.quality.setText("Photo quality\n" + "\n".join(problems))
        self.quality.setVisible(bool(problems))
        self.measures.setRowCount(len(detail.measures))
        for row, reading in enumerate(detail.measures):
            name = reading.label + (" (estimate)" if reading.estimate else "")
            verdict = reading.word if reading.measured else NOT_MEASURED  # why: when chosen
            cells = (name, level_text(reading), verdict)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(KEY_ROLE, reading.key)
                tip = [reading.direction]
                if reading.value:
                    tip.append(f"Measured value: {reading.value}")
                if not reading.measured:
                    tip = [reading.reason]
                item.setToolTip("\n".join(tip))
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.measures.setItem(row, column, item)
        self._fit_measures()
        self.measures.resizeRowsToContents()
        while self.summary.rowCount():
            self.summary.removeRow(0)
        for heading, text in detail.summary:
            self.summary.addRow(heading, label(text, wrap=True))
        self.show_regions(None)

    def _fit_measures(self) -> None:
        """The panel at least as wide as the measure table's headers and readings on one line: a
        large photo took the room, and at 1280x800 "Reading" was cut and "Not measu\u2026"
        elided (acceptance test, session 17, D15)."""
        table, header = self.measures, self.measures.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
            for c in range(table.columnCount())
        )
        scroll = table.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(max(MIN_WIDTH, columns + scroll + 2 * table.frameWidth()))

    def select(self, key: str | None) -> None:
        for row in range(self.measures.rowCount()):
            item = self.measures.item(row, 0)
            if item is not None and item.data(KEY_ROLE) == key:
                self.measures.selectRow(row)
                return
        self.measures.clearSelection()

    def show_regions(self, key: str | None) -> None:
        reading = self.readings.get(key or "")
        if reading is None:
            self.regions_title.setText("Choose a measure to see it region by region")
            self.why.setVisible(False)
            self.regions.setVisible(True)
            self.regions.setRowCount(0)
            return
        self.why.setVisible(not reading.measured)
        self.regions.setVisible(reading.measured)
        if not reading.measured:
            self.regions_title.setText(f"{reading.label}: {NOT_MEASURED.lower()}")
            self.why.setText(reading.reason)
            self.regions.setRowCount(0)
            return
        self.regions_title.setText(f"{reading.label} by region")
        self.regions.setRowCount(len(reading.regions))
        for row, (region, level) in enumerate(reading.regions):
            self.regions.setItem(row, 0, QTableWidgetItem(region[:1].upper() + region[1:]))
            value = QTableWidgetItem(f"{level:.0f}")
            value.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.regions.setItem(row, 1, value)

    def _chosen(self) -> None:
        items = self.measures.selectedItems()
        key = str(items[0].data(KEY_ROLE)) if items else ""
        self.show_regions(key or None)
        if key:
            self.measure_chosen.emit(key)

    def clear(self) -> None:
        self.readings = {}
        self.measures.setRowCount(0)
        self.regions.setRowCount(0)
        self.quality.setVisible(False)
        while self.summary.rowCount():
            self.summary.removeRow(0)
