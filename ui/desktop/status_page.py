"""A full-window message: opening the database, or why it could not be opened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from ui.widgets.basics import label


class StatusPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = label("Opening SkinLab…", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = label("", "subtitle")
        self.detail.setWordWrap(True)
        self.detail.setMaximumWidth(560)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedWidth(320)
        self.progress.setTextVisible(False)
        layout.addWidget(self.title)
        layout.addWidget(self.detail, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.progress, alignment=Qt.AlignmentFlag.AlignCenter)

    def show_busy(self, title: str, detail: str = "") -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.progress.setVisible(True)

    def show_error(self, title: str, detail: str) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.progress.setVisible(False)
