"""What the report says in words: score bands, measure names and meanings, levels and changes.

Plain Python (no Qt) so the wording can be checked on its own and reused by the kiosk's results.
"""

from __future__ import annotations

from typing import Final

from core.analysis.measures.skin_tone import MONK_HEX

SCORE_BANDS: Final = (
    (90.0, "Excellent"),
    (80.0, "Great"),
    (70.0, "Good"),
    (50.0, "Average"),
    (30.0, "Poor"),
    (0.0, "Bad"),
)
"""Lower bound (inclusive) of each band of the overall skin score."""

HIGHER_IS_BETTER: Final = frozenset({"hydration", "elasticity"})
"""The two estimates, where a high level is good; every other measure is a concern."""

MEASURES: Final = {
    "hydration": (
        "Hydration",
        "How supple and moisturised the skin looks, from its glow and texture.",
    ),
    "oiliness": ("Oiliness", "Shine from surface oil, mostly on the forehead, nose and chin."),
    "elasticity": ("Elasticity", "How firm the skin looks, from folds and fine lines."),
    "pores": ("Pores", "Visible pores per square centimetre on the cheeks and nose."),
    "redness": ("Redness", "Areas that are redder than your own skin's usual colour."),
    "pigmentation": (
        "Pigmentation",
        "Dark spots and uneven patches compared with your own skin tone.",
    ),
    "wrinkles": ("Wrinkles", "The length and depth of fine lines and wrinkles."),
    "roughness": ("Roughness", "How uneven the surface texture of the skin looks."),
    "dark_circles": ("Dark circles", "How much darker the skin under the eyes is than the cheeks."),
    "acne": ("Blemishes", "Red, raised spots such as acne, counted over the whole face."),
}
"""Per metric: the name shown and a one-line meaning a patient can understand."""

TONE_CATEGORIES: Final = {
    "very_light": "Very light",
    "light": "Light",
    "intermediate": "Intermediate",
    "tan": "Tan",
    "brown": "Brown",
    "dark": "Dark",
}

MONK_SWATCHES: Final = MONK_HEX
"""The ten published Monk Skin Tone scale colours, step 1 to 10."""


def score_band(score: float) -> str:
    """The band of an overall score: 90-100 excellent ... 0-30 bad (lower bound inclusive)."""
    for floor, name in SCORE_BANDS:
        if score >= floor:
            return name
    return SCORE_BANDS[-1][1]


def measure_name(metric: str) -> str:
    return MEASURES.get(metric, (humanise(metric), ""))[0]


def measure_meaning(metric: str) -> str:
    return MEASURES.get(metric, ("", ""))[1]


def concern(metric: str, level: float) -> float:
    """How much of a concern a level is (0-100), so every measure can be coloured the same way."""
    return 100.0 - level if metric in HIGHER_IS_BETTER else level


def level_word(metric: str, level: float) -> str:
    """A short verdict on one level, in the direction that fits the measure."""
    value = concern(metric, level)
    words: tuple[tuple[float, str], ...]
    if metric in HIGHER_IS_BETTER:
        words = ((25.0, "Good"), (45.0, "Fair"), (65.0, "Low"), (101.0, "Very low"))
    else:
        words = (
            (20.0, "Minimal"),
            (45.0, "Low"),
            (65.0, "Mild"),
            (80.0, "Moderate"),
            (101.0, "Marked"),
        )
    for ceiling, word in words:
        if value < ceiling:
            return word
    return words[-1][1]


def direction_hint(metric: str) -> str:
    return "higher is better" if metric in HIGHER_IS_BETTER else "lower is better"


def change(metric: str, now: float, before: float) -> tuple[str, float, bool | None]:
    """The arrow, the signed difference and whether it is an improvement (None: about the same)."""
    delta = round(now - before, 1)
    if abs(delta) < 1.0:
        return "=", delta, None
    arrow = "\u25b2" if delta > 0 else "\u25bc"
    better = delta > 0 if metric in HIGHER_IS_BETTER or metric == "skin_score" else delta < 0
    return arrow, delta, better


def signed(delta: float) -> str:
    """``+5``, ``\u22123`` (a true minus sign) or ``\u00b10``."""
    if abs(delta) < 0.5:
        return "\u00b10"
    return f"+{delta:.0f}" if delta > 0 else f"\u2212{abs(delta):.0f}"


def humanise(name: str) -> str:
    """``left_cheek`` -> ``left cheek``: engine names as words."""
    return name.replace("_", " ")


def capitalised(name: str) -> str:
    text = humanise(name)
    return text[:1].upper() + text[1:]
