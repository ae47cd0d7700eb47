"""Load the application style sheet from resources/."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

STYLES = Path(__file__).resolve().parent.parent / "resources" / "styles"


def apply_theme(app: QApplication, name: str = "desktop") -> None:
    path = STYLES / f"{name}.qss"
    if path.exists():
        app.setStyleSheet(path.read_text(encoding="utf-8"))
