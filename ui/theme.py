"""Load the application style sheets from ``resources/styles``; a missing one is an error."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from core.resources import read_resource


def style_sheet(name: str) -> str:
    """The text of ``resources/styles/<name>.qss``, or :class:`MissingResourceError` naming it."""
    return read_resource("styles", f"{name}.qss")


def apply_theme(app: QApplication, name: str = "desktop") -> None:
    app.setStyleSheet(style_sheet(name))
