"""Small shared pieces of the kiosk screens: big touch buttons, the header bar, a toast."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

TOUCH_MIN = 64
"""Every touch target is at least this tall (the guideline's minimum is 48 px)."""


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
        # never squeezed below its buttons' height by a tall screen body (it clipped them at 1280x800)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
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
        self.action_row = QHBoxLayout()
        self.action_row.setSpacing(12)
        row.addLayout(self.action_row)

    def set_clinic(self, name: str, logo: Path | None) -> None:
        self.clinic.setText(name)
        pixmap = QPixmap(str(logo)) if logo else QPixmap()
        if not pixmap.isNull():
            self.logo.setPixmap(
                pixmap.scaledToHeight(44, Qt.TransformationMode.SmoothTransformation)
            )
        self.logo.setVisible(not pixmap.isNull())

    def add_action(self, widget: QWidget) -> None:
        self.action_row.addWidget(widget)


class Toast(QLabel):
    """A sentence over the bottom of a window for a few seconds: failures no screen shows itself."""

    def __init__(self, parent: QWidget, *, seconds: float = 8.0) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(round(seconds * 1000))
        self.timer.timeout.connect(self.clear)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.place()
        self.show()
        self.raise_()
        self.timer.start()

    def place(self) -> None:
        """Centred near the bottom of the parent, at most 760 px wide."""
        parent = self.parentWidget()
        if parent is None:
            return
        width = max(200, min(760, parent.width() - 64))
        self.setFixedWidth(width)
        height = self.heightForWidth(width)
        self.setFixedHeight(max(height, self.sizeHint().height()))
        self.move((parent.width() - width) // 2, parent.height() - self.height() - 40)

    def clear(self) -> None:
        self.timer.stop()
        self.setText("")
        self.hide()
