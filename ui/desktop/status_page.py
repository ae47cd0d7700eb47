"""A full-window message: opening the database, or why it could not be opened.

Painted first when a data directory has no database yet, so it touches no ``Qt.<Enum>`` (see
``ui/widgets/basics.py``)."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from ui.widgets.basics import centred, label, set_by_name


class StatusPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = label("Opening SkinLab…", "title")
        set_by_name(self.title, "alignment", "AlignCenter")
        self.detail = label("", "subtitle")
        self.detail.setWordWrap(True)
        self.detail.setMaximumWidth(560)
        set_by_name(self.detail, "alignment", "AlignCenter")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedWidth(320)
        self.progress.setTextVisible(False)
        centred(QVBoxLayout(self), self.title, self.detail, self.progress)

    def show_busy(self, title: str, detail: str = "") -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.progress.setVisible(True)

    def show_error(self, title: str, detail: str) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.progress.setVisible(False)
