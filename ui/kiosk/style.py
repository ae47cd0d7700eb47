"""The kiosk's own style sheet (``resources/styles/kiosk.qss``): large type, big touch targets."""

from __future__ import annotations

from ui.theme import style_sheet


def load_kiosk_style() -> str:
    return style_sheet("kiosk")
