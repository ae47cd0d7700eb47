"""Words the kiosk shows: the versioned consent text and a plain meaning for every measure.

The consent version is stored with every answer, so change ``CONSENT_VERSION`` whenever the text
changes in substance.
"""

from __future__ import annotations

from typing import Final

from ui.reports.wording import TONE_CATEGORIES

CONSENT_VERSION: Final = "kiosk-2026.1"

LABELS: Final = {
    "hydration": "Hydration",
    "oiliness": "Oiliness",
    "elasticity": "Firmness",
    "pores": "Pores",
    "redness": "Redness",
    "pigmentation": "Dark spots",
    "wrinkles": "Lines",
    "roughness": "Texture",
    "dark_circles": "Dark circles",
    "acne": "Blemishes",
}

MEANINGS: Final = {
    "hydration": "Estimate of how supple and moist the skin looks (not measured).",
    "oiliness": "How much shine the skin reflects, mostly on the forehead and nose.",
    "elasticity": "Estimate of firmness from how lines and contours look (not measured).",
    "pores": "How many visible pores there are on the cheeks and nose.",
    "redness": "How much redder the skin is than your own usual tone.",
    "pigmentation": "How many spots are darker than the skin around them.",
    "wrinkles": "How many fine lines and wrinkles show, at your face's scale.",
    "roughness": "How uneven the skin surface looks up close.",
    "dark_circles": "How much darker the skin under the eyes is than the cheeks.",
    "acne": "How many small red raised spots there are.",
}

SKIN_TYPES: Final = {
    "normal": "Normal",
    "dry": "Dry",
    "oily": "Oily",
    "combination": "Combination",
    "sensitive": "Sensitive",
}

TONES: Final = TONE_CATEGORIES


def consent_paragraphs(*, retention_days: int, clinic_name: str) -> tuple[str, ...]:
    keep = (
        "until you leave the kiosk"
        if retention_days == 0
        else f"for {retention_days} day{'s' if retention_days != 1 else ''}"
    )
    return (
        f"{clinic_name} analyses a photo of your face to describe your skin. "
        "This is cosmetic guidance, not a medical diagnosis.",
        "If you agree, we store the photo and the results on this clinic's computer. "
        "When you are signed in, they are kept in your record so that your next visit can be "
        f"compared with this one. As a guest, they are kept {keep} and then deleted.",
        "Syncing is separate: only if you allow it are the results copied to the clinic's "
        "central server, so your dermatologist can see them at another location.",
        "If you do not agree, you can still see your results and take the report away, "
        "but nothing is stored.",
    )
