"""Small constructors the desktop screens share: a widget with its style-sheet name, a label."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set, which is what the style sheets select on."""
    widget.setObjectName(name)
    return widget


def label(text: str = "", name: str = "", *, wrap: bool = False, plain: bool = True) -> QLabel:
    """A label; ``plain`` (the default) shows text as typed, so a name is never read as HTML."""
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    if plain:
        widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget
