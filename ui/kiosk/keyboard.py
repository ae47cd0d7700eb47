"""The kiosk's on-screen keyboard: Qt Widgets keys for a touch screen.

It replaces Qt's virtual keyboard, whose QML keyboard (QtQuick, QtQml, ~20 MB) the built app did
not ship: there it opened an empty panel. :class:`ui.kiosk.keyboard_dock.KeyboardDock` places it
over the bottom of the screens and slides them up to keep the field in sight. Touching a text
field shows it for that field (a field focused by code does not: the visitor has not asked to type
yet); it types into the field and leaves with "Done" or when the focus goes to anything that is not
a text field. Keys never take the focus, so the field keeps its cursor. The keys are data
(:mod:`ui.kiosk.keyboard_keys`).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ui.kiosk.keyboard_keys import ROW_WIDTH, ROWS, Key, KeyAction

HEIGHT_SHARE = 0.42
"""Of the window's height, within MIN_HEIGHT..MAX_HEIGHT: keys 45-60 px tall on 5 rows."""
MIN_HEIGHT, MAX_HEIGHT = 280, 340
TOUCH_PX = 44
"""The least height of a key in the screen's own pixels (a fingertip): on a small screen drawn
at Qt's scale factor 0.75 the keyboard is made taller, so its keys still are."""
MARGINS = (16, 10, 16, 12)
SPACING = 8
_TYPED = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)


def _letter(text: str) -> bool:
    return len(text) == 1 and text.isalpha()


def _capital(letter: str) -> str:
    """Upper case where that is one letter (``ß`` has none: it stays as it is)."""
    upper = letter.upper()
    return upper if len(upper) == 1 else letter


def _typeable(edit: QLineEdit) -> bool:
    """The PIN field is read-only: it has its own keypad."""
    return edit.isEnabled() and not edit.isReadOnly()


class OnScreenKeyboard(QFrame):
    changed = Signal()
    """Shown, hidden, or moved to another field: the dock places the screens again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard")
        self.target: QLineEdit | None = None
        """The field the keys type into while the keyboard shows."""
        self.shifted = False
        self.accented = False
        """The accents key is on: the digit and letter keys type accented letters."""
        self.buttons: dict[str, QPushButton] = {}
        """By the key's label (lower case), for tests and the self-check."""
        self._fields: list[QLineEdit] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(*MARGINS)
        grid.setHorizontalSpacing(SPACING)
        grid.setVerticalSpacing(SPACING)
        for column in range(ROW_WIDTH):
            grid.setColumnStretch(column, 1)
        for row, keys in enumerate(ROWS):
            column = 0
            for key in keys:
                widget = self._button(key)
                grid.addWidget(widget, row, column, 1, key.width)
                column += key.width
            grid.setRowStretch(row, 1)
        self.hide()

    def _button(self, key: Key) -> QPushButton:
        widget = QPushButton(key.label)
        widget.setObjectName("kbKey" if key.action is KeyAction.TYPE else "kbAction")
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        widget.setCursor(Qt.CursorShape.PointingHandCursor)
        if key.action is KeyAction.BACKSPACE:
            widget.setAutoRepeat(True)
        if key.action in (KeyAction.SHIFT, KeyAction.ACCENTS):
            widget.setCheckable(True)
        if key.action is KeyAction.DONE:
            widget.setObjectName("kbDone")
        widget.clicked.connect(lambda _=False, k=key: self.press(k))
        self.buttons[key.label] = widget
        return widget

    # -- which field -----------------------------------------------------------------------------
    def watch(self, root: QWidget) -> None:
        """Offer the keyboard for every text field under ``root`` (all exist when it is called)."""
        for edit in root.findChildren(QLineEdit):
            if edit not in self._fields:
                edit.installEventFilter(self)
                self._fields.append(edit)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        touched = event.type() == QEvent.Type.MouseButtonRelease  # a touch arrives as a mouse click
        tabbed = isinstance(event, QFocusEvent) and event.gotFocus() and event.reason() in _TYPED
        if (touched or tabbed) and isinstance(watched, QLineEdit) and _typeable(watched):
            self.show_for(watched)
        return False

    def _field_of(self, widget: QWidget | None) -> QLineEdit | None:
        """The watched field ``widget`` is, or holds (an editable combo box focuses itself)."""
        for edit in self._fields:
            if widget is not None and (edit is widget or edit.parentWidget() is widget):
                return edit
        return None

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not self.isVisible():
            return
        field = self._field_of(new)
        if field is not None and _typeable(field):
            if field is not self.target:
                self.show_for(field)
        else:
            self.hide_keyboard()

    # -- showing -----------------------------------------------------------------------------------
    def show_for(self, edit: QLineEdit) -> None:
        if edit is not self.target:
            self.set_shift(False)
            self.set_accents(False)
        self.target = edit
        self.show()
        self.changed.emit()

    def hide_keyboard(self) -> None:
        self.target = None
        self.set_shift(False)
        self.set_accents(False)
        self.hide()
        self.changed.emit()

    def height_for(self, window_height: int, pixel_ratio: float = 1.0) -> int:
        """A share of the window's height, so the screens keep enough room above the keys, but
        never keys under TOUCH_PX of the screen's pixels (``pixel_ratio``: screen pixels per
        logical pixel, 0.75 at Qt's scale factor 0.75)."""
        share = max(MIN_HEIGHT, min(MAX_HEIGHT, round(window_height * HEIGHT_SHARE)))
        rows = len(ROWS)
        key = math.ceil(TOUCH_PX / pixel_ratio)
        touchable = rows * key + (rows - 1) * SPACING + MARGINS[1] + MARGINS[3]
        return max(share, touchable)

    # -- typing ------------------------------------------------------------------------------------
    def press(self, key: Key) -> None:
        target = self.target
        if key.action is KeyAction.DONE:
            self.hide_keyboard()
        elif key.action is KeyAction.SHIFT:
            self.set_shift(not self.shifted)
        elif key.action is KeyAction.ACCENTS:
            self.set_accents(not self.accented)
        elif target is None or not _typeable(target):
            return
        elif key.action is KeyAction.BACKSPACE:
            target.backspace()
        else:
            text = self._unshifted(key)
            target.insert(self._shown(key))
            if self.accented and key.accent:
                self.set_accents(False)  # one accented letter: "Zoë", "Muñoz"
            if self.shifted and _letter(text):
                self.set_shift(False)  # one capital, as phones do: "Anne-Marie"

    def _unshifted(self, key: Key) -> str:
        return key.accent if self.accented and key.accent else key.types

    def _shown(self, key: Key) -> str:
        """What ``key`` shows and types now, with shift and the accents key as they are."""
        text = self._unshifted(key)
        return _capital(text) if self.shifted and _letter(text) else text

    def set_shift(self, on: bool) -> None:
        self.shifted = on
        self._relabel()

    def set_accents(self, on: bool) -> None:
        self.accented = on
        self._relabel()

    def _relabel(self) -> None:
        for key in (k for row in ROWS for k in row):
            widget = self.buttons[key.label]
            if key.action is KeyAction.SHIFT:
                widget.setChecked(self.shifted)
            elif key.action is KeyAction.ACCENTS:
                widget.setChecked(self.accented)
            elif key.action is KeyAction.TYPE and (key.accent or _letter(key.label)):
                widget.setText(self._shown(key))
