"""The kiosk's own style sheet (``resources/styles/kiosk.qss``): large type, big touch targets."""

from __future__ import annotations

from ui.theme import STYLES


def load_kiosk_style() -> str:
    path = STYLES / "kiosk.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""
