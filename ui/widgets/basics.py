"""Small constructors the desktop screens share: a widget with its style-sheet name, a label.

They touch no ``Qt.<Enum>``: the first use of Qt's ``Qt`` namespace makes PySide6 build all of its
~130 enum classes (~20 ms of CPU), and the desktop's sign-in form is painted before that
(``app/first_paint.py``). Enum values they need are set by name, through Qt's properties."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set, which is what the style sheets select on."""
    widget.setObjectName(name)
    return widget


def set_by_name(target: QObject, prop: str, value: str) -> None:
    """Set an enum or flags property by its key (``"PlainText"``, ``"AlignCenter"``), which Qt
    converts itself; a property or key that does not exist is an error, not a silent no-op."""
    if not target.setProperty(prop, value):
        raise ValueError(f"{type(target).__name__} has no {prop!r} that takes {value!r}")


def label(text: str = "", name: str = "", *, wrap: bool = False, plain: bool = True) -> QLabel:
    """A label; ``plain`` (the default) shows text as typed, so a name is never read as HTML."""
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    if plain:
        set_by_name(widget, "textFormat", "PlainText")
    return widget


def centred(layout: QVBoxLayout, *widgets: QWidget) -> None:
    """Lay ``widgets`` out in ``layout``, one under the other, each at its own width and the
    column at its own height, centred both ways by stretches: to the pixel where
    ``Qt.AlignmentFlag.AlignCenter`` puts them, without the ``Qt`` namespace."""
    # An odd pixel left over goes to the first stretch; AlignCenter leaves it below and to the
    # right, so the stretches are laid out from the bottom and from the right.
    layout.setDirection(QBoxLayout.Direction.BottomToTop)
    layout.addStretch(1)
    for widget in reversed(widgets):
        row = QHBoxLayout()
        row.setDirection(QBoxLayout.Direction.RightToLeft)
        row.addStretch(1)
        row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
    layout.addStretch(1)
