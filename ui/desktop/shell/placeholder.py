"""A page still to be built: says what it will hold, so a menu entry never leads nowhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.widgets.basics import label


class PlaceholderPage(QWidget):
    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading = label(title, "title")
        body = label(text, "subtitle")
        body.setWordWrap(True)
        body.setMinimumWidth(420)
        body.setMaximumWidth(560)
        for widget in (heading, body):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget, alignment=Qt.AlignmentFlag.AlignCenter)
