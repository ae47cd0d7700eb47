"""Small shared pieces of the kiosk screens: big touch buttons, the header bar, image conversion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.kiosk.ports import RGB, RGBA

TOUCH_MIN = 64
"""Every touch target is at least this tall (the guideline's minimum is 48 px)."""


def rgb_image(rgb: RGB) -> QImage:
    """A QImage that owns a copy of ``rgb`` (the array may be freed afterwards)."""
    data = np.ascontiguousarray(rgb)
    height, width = data.shape[:2]
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def rgba_image(rgba: RGBA) -> QImage:
    data = np.ascontiguousarray(rgba)
    height, width = data.shape[:2]
    return QImage(data.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def button(text: str, kind: str = "primary", *, height: int = TOUCH_MIN) -> QPushButton:
    """A touch button; ``kind`` picks its style in kiosk.qss (primary, secondary, ghost, danger)."""
    widget = QPushButton(text)
    widget.setObjectName(kind)
    widget.setMinimumHeight(max(height, TOUCH_MIN))
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return widget


def label(text: str = "", name: str = "", *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def card(name: str = "card") -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(28, 24, 28, 24)
    layout.setSpacing(12)
    return frame, layout


class Header(QFrame):
    """Clinic logo and name on the left, the step's title in the middle, actions on the right."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 10, 32, 10)
        row.setSpacing(18)
        self.logo = QLabel()
        self.logo.setObjectName("logo")
        self.logo.setVisible(False)
        self.clinic = label("", "clinic", wrap=False)
        self.title = label(title, "stepTitle", wrap=False)
        row.addWidget(self.logo)
        row.addWidget(self.clinic)
        row.addStretch(1)
        row.addWidget(self.title)
        row.addStretch(1)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(12)
        row.addLayout(self.actions)

    def set_clinic(self, name: str, logo: Path | None) -> None:
        self.clinic.setText(name)
        pixmap = QPixmap(str(logo)) if logo else QPixmap()
        if not pixmap.isNull():
            self.logo.setPixmap(
                pixmap.scaledToHeight(44, Qt.TransformationMode.SmoothTransformation)
            )
        self.logo.setVisible(not pixmap.isNull())

    def add_action(self, widget: QWidget) -> None:
        self.actions.addWidget(widget)
