"""Where the on-screen keyboard sits: over the bottom of the kiosk's screens, which slide up just
far enough to keep the field being typed in above the keys.

The screens keep their full size, so no screen is squeezed (the take-away screen has no room to
give at 1024x600); the header may slide out of sight while typing, and comes back with "Done".
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from ui.kiosk.keyboard import OnScreenKeyboard

MARGIN = 16
"""Between the field and the keys."""


class KeyboardDock(QWidget):
    def __init__(
        self, screens: QWidget, keyboard: OnScreenKeyboard, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyboardDock")
        self.screens = screens
        self.keyboard = keyboard
        screens.setParent(self)
        keyboard.setParent(self)
        keyboard.hide()
        keyboard.changed.connect(self.place)

    def sizeHint(self) -> QSize:
        return self.screens.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.screens.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place()

    def lift(self) -> int:
        """How far the screens are slid up (0 without the keyboard)."""
        return -self.screens.y()

    def place(self) -> None:
        width, height = self.width(), self.height()
        lift = 0
        target = self.keyboard.target
        if self.keyboard.isVisible():
            keys = self.keyboard.height_for(height, self.devicePixelRatioF())
            self.keyboard.setGeometry(0, height - keys, width, keys)
            self.keyboard.raise_()
            if target is not None and self.screens.isAncestorOf(target):
                bottom = target.mapTo(self.screens, QPoint(0, target.height())).y() + MARGIN
                lift = max(0, bottom - (height - keys))
        self.screens.setGeometry(0, -lift, width, height)
