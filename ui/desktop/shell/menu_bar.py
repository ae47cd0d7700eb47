"""The menu bar's titles, painted with the window's first paint; their commands and shortcuts
(:mod:`ui.desktop.shell.menus`) are added right after it, because a shortcut's key sequence makes
PySide6 build Qt's whole ``Qt`` namespace (~130 enum classes) first (``ui/widgets/basics.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QMainWindow, QMenu


@dataclass(frozen=True)
class MenuBar:
    file: QMenu
    edit: QMenu
    patient: QMenu
    view: QMenu
    help: QMenu


def menu_bar(window: QMainWindow) -> MenuBar:
    bar = window.menuBar()
    return MenuBar(
        file=bar.addMenu("&File"),
        edit=bar.addMenu("&Edit"),
        patient=bar.addMenu("&Patient"),
        view=bar.addMenu("&View"),
        help=bar.addMenu("&Help"),
    )
