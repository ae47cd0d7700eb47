"""The words SkinLab shows for its results: one table that the kiosk, the report, the desktop and
the CLI all read, so the same score or measure never reads differently on two screens.

Plain data and a few pure functions (no Qt, no numpy, nothing from ``core.analysis``): the engine
imports the direction of each measure and the severity floors from here, never the other way.
Labels come in two registers: ``label`` for the patient (kiosk and the report they take away) and
``clinical_label`` for the clinician (desktop, CLI). See ``docs/analysis.md`` ("Vocabulary").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from core.errors import SkinLabError

Tone = Literal["good", "fair", "concern", "severe"]
"""How a finding reads, for colour: every screen maps these four to its own palette."""

SKIN_SCORE: Final = "skin_score"
"""The overall score's key where it sits among measures (changes since a visit)."""


class UnknownTermError(SkinLabError):
    """A key (measure, skin type, tone...) that SkinLab has no words for: an engine newer than
    this vocabulary, or a damaged record. Never shown as a blank label."""

    code = "unknown_term"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    """What the patient reads (kiosk, the take-away report)."""
    clinical_label: str
    """What the clinician reads (desktop, CLI); the meaning links the two where they differ."""
    meaning: str
    """One line a patient understands (at most 72 characters: one line of the report)."""
    higher_is_better: bool
    estimate: bool
    """A visual estimate from proxies, not a measurement (hydration, elasticity)."""
    condition: str
    """The engine's name for the condition this measure reports when it stands out."""
    condition_label: str
    """In the patient's words, like ``label`` (the engine's name stays the clinical one)."""

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"


def _m(
    key: str,
    label: str,
    clinical: str,
    meaning: str,
    condition: tuple[str, str],
    *,
    higher_is_better: bool = False,
    estimate: bool = False,
) -> Measure:
    return Measure(key, label, clinical, meaning, higher_is_better, estimate, *condition)


MEASURES: Final[Mapping[str, Measure]] = MappingProxyType(
    {
        m.key: m
        for m in (
            _m(
                "hydration",
                "Hydration",
                "Hydration",
                "Estimate of how supple and moist the skin looks, from glow and texture.",
                ("dehydration", "Low hydration"),
                higher_is_better=True,
                estimate=True,
            ),
            _m(
                "oiliness",
                "Oiliness",
                "Oiliness",
                "Shine from surface oil, mostly on the forehead, nose and chin.",
                ("excess_oil", "Excess oil"),
            ),
            _m(
                "elasticity",
                "Firmness",
                "Elasticity",
                "Estimate of elasticity: how firm the skin looks, from folds and lines.",
                ("loss_of_firmness", "Loss of firmness"),
                higher_is_better=True,
                estimate=True,
            ),
            _m(
                "pores",
                "Pores",
                "Pores",
                "Visible pores per square centimetre on the cheeks and nose.",
                ("enlarged_pores", "Enlarged pores"),
            ),
            _m(
                "redness",
                "Redness",
                "Redness",
                "Areas that are redder than your own skin's usual colour.",
                ("redness", "Redness"),
            ),
            _m(
                "pigmentation",
                "Dark spots",
                "Pigmentation",
                "Pigmentation: spots and patches darker than your own skin tone.",
                ("hyperpigmentation", "Dark spots"),
            ),
            _m(
                "wrinkles",
                "Lines",
                "Wrinkles",
                "Fine lines and wrinkles: their length and depth, at your face's scale.",
                ("wrinkles", "Lines"),
            ),
            _m(
                "roughness",
                "Texture",
                "Roughness",
                "Roughness: how uneven the surface of the skin looks up close.",
                ("uneven_texture", "Uneven texture"),
            ),
            _m(
                "dark_circles",
                "Dark circles",
                "Dark circles",
                "How much darker the skin under the eyes is than the cheeks.",
                ("dark_circles", "Dark circles"),
            ),
            _m(
                "acne",
                "Blemishes",
                "Acne",
                "Red, raised spots such as acne, counted over the whole face.",
                ("blemishes", "Blemishes"),
            ),
        )
    }
)
"""Every measure the engine reports, in the engine's order."""

ESTIMATES: Final = frozenset(k for k, m in MEASURES.items() if m.estimate)


def measure(key: str) -> Measure:
    try:
        return MEASURES[key]
    except KeyError:
        raise UnknownTermError(
            f"This result has a measure, {key!r}, that this version of SkinLab has no words for."
            " Update SkinLab on this device."
        ) from None


def concern(key: str, level: float) -> float:
    """How much of a concern a level is (0-100): the level, or 100 - level where higher is better."""
    if key == SKIN_SCORE:
        return 100.0 - level
    return 100.0 - level if measure(key).higher_is_better else level


def goodness(key: str, level: float) -> float:
    """100 - concern: further out is better on every axis of a chart."""
    return 100.0 - concern(key, level)


# -- levels of one measure ----------------------------------------------------------------------


@dataclass(frozen=True)
class Severity:
    key: str
    floor: float
    """Lowest concern (inclusive) with this severity."""
    label: str
    tone: Tone


SEVERITIES: Final = (
    Severity("severe", 80.0, "Severe", "severe"),
    Severity("moderate", 65.0, "Moderate", "concern"),
    Severity("mild", 45.0, "Mild", "fair"),
)
"""The engine names a condition from the mild floor up (``core.analysis.interpret``)."""

CONCERN_WORDS: Final = ((80.0, "Marked"), (65.0, "Moderate"), (45.0, "Mild"), (20.0, "Low"))
"""A concern's level word by its lower bound; below the last, "Minimal". Floors match SEVERITIES."""
ESTIMATE_WORDS: Final = ((65.0, "Very low"), (45.0, "Low"), (25.0, "Fair"))
"""A higher-is-better level's word by its concern's lower bound; below the last, "Good"."""


def severity(key: str) -> Severity:
    for item in SEVERITIES:
        if item.key == key:
            return item
    raise UnknownTermError(f"There is no severity called {key!r}.")


def tone(key: str, level: float) -> Tone:
    """good below the mild floor, then the tone of the severity the concern reaches."""
    value = concern(key, level)
    for item in SEVERITIES:
        if value >= item.floor:
            return item.tone
    return "good"


def level_word(key: str, level: float) -> str:
    """A short verdict on one level, in the measure's own direction ("Low", "Very low"...)."""
    value = concern(key, level)
    words = ESTIMATE_WORDS if measure(key).higher_is_better else CONCERN_WORDS
    for floor, word in words:
        if value >= floor:
            return word
    return "Good" if words is ESTIMATE_WORDS else "Minimal"


# -- the overall score --------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    key: str
    floor: int
    """Lowest whole score (inclusive) in the band."""
    label: str
    meaning: str
    tone: Tone


SCORE_BANDS: Final = (
    Band("excellent", 90, "Excellent", "Very healthy-looking skin. Keep up your routine.", "good"),
    Band("great", 80, "Great", "Healthy-looking skin with a few minor points to care for.", "good"),
    Band("good", 70, "Good", "Good overall, with some areas that would benefit from care.", "good"),
    Band("average", 50, "Average", "Several areas would benefit from a regular routine.", "fair"),
    Band(
        "poor", 30, "Poor", "Many areas need care: follow the routine on the next page.", "concern"
    ),
    Band(
        "bad", 0, "Bad", "Many areas need care; a professional opinion is worth having.", "severe"
    ),
)
"""Haut.AI's published bands: 90-100 excellent, 80-90 great, 70-80 good, 50-70 average,
30-50 poor, 0-30 bad (lower bound inclusive)."""


def shown_score(score: float) -> int:
    """The whole number every screen shows for a score (0-100)."""
    return max(0, min(100, round(score)))


def score_band(score: float) -> Band:
    """The band of the score *as shown*: 89.6 shows as 90 and reads "Excellent", never "Great"."""
    whole = shown_score(score)
    for band in SCORE_BANDS:
        if whole >= band.floor:
            return band
    return SCORE_BANDS[-1]


# -- changes since a previous visit -------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    arrow: str
    delta: float
    better: bool | None
    """Whether it is an improvement in the measure's own direction (None: about the same)."""


def change(key: str, now: float, before: float, *, mdc: float | None = None) -> Change:
    """``key`` is a measure or :data:`SKIN_SCORE`. Less than one point, or less than the measure's
    minimal detectable change (``mdc``, when the engine gives one), is "about the same"."""
    delta = round(now - before, 1)
    if abs(delta) < max(1.0, mdc or 0.0):
        return Change("=", delta, None)
    arrow = "\u25b2" if delta > 0 else "\u25bc"
    return Change(arrow, delta, concern(key, now) < concern(key, before))


def signed(delta: float) -> str:
    """``+5``, ``\u22123`` (a true minus sign) or ``\u00b10``."""
    if abs(delta) < 0.5:
        return "\u00b10"
    return f"+{delta:.0f}" if delta > 0 else f"\u2212{abs(delta):.0f}"


# -- skin type, tone, regions -------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    meaning: str = ""


def _terms(*items: Term) -> Mapping[str, Term]:
    return MappingProxyType({t.key: t for t in items})


SKIN_TYPES: Final = _terms(
    Term("normal", "Normal", "Balanced: neither noticeably oily nor dry."),
    Term("dry", "Dry", "Little shine and a dull look; may feel tight."),
    Term("oily", "Oily", "Shine across the forehead, nose and cheeks."),
    Term("combination", "Combination", "Oilier forehead, nose and chin; drier cheeks."),
    Term("sensitive", "Sensitive", "Prone to redness: choose gentle products."),
    Term("unknown", "Not determined", "The photo could not show shine, which skin type needs."),
)
TONE_CATEGORIES: Final = _terms(
    Term("very_light", "Very light"),
    Term("light", "Light"),
    Term("intermediate", "Intermediate"),
    Term("tan", "Tan"),
    Term("brown", "Brown"),
    Term("dark", "Dark"),
)
"""ITA° categories (Chardon et al. 1991), lightest first."""
REGIONS: Final = _terms(
    Term("forehead", "forehead"),
    Term("left_cheek", "left cheek"),
    Term("right_cheek", "right cheek"),
    Term("nose", "nose"),
    Term("chin", "chin"),
    Term("left_under_eye", "under the left eye"),
    Term("right_under_eye", "under the right eye"),
    Term("left_crows_feet", "left crow's feet"),
    Term("right_crows_feet", "right crow's feet"),
)
"""Face regions as they read inside a sentence (lower case); sides are the person's own."""
MONK_HEX: Final = (
    "#f6ede4",
    "#f3e7db",
    "#f7ead0",
    "#eadaba",
    "#d7bd96",
    "#a07e56",
    "#825c43",
    "#604134",
    "#3a312a",
    "#292420",
)
"""The Monk Skin Tone scale (Monk 2019, skintone.google), step 1 (lightest) to 10."""


def _term(table: Mapping[str, Term], key: str, what: str) -> Term:
    try:
        return table[key]
    except KeyError:
        raise UnknownTermError(f"SkinLab has no words for the {what} {key!r}.") from None


def skin_type(key: str) -> Term:
    return _term(SKIN_TYPES, key, "skin type")


def tone_category(key: str) -> Term:
    return _term(TONE_CATEGORIES, key, "skin tone")


def region(key: str) -> Term:
    return _term(REGIONS, key, "face region")


def condition_label(name: str) -> str:
    """The label of a condition the engine named (``hyperpigmentation`` -> "Dark spots")."""
    for item in MEASURES.values():
        if item.condition == name:
            return item.condition_label
    raise UnknownTermError(f"SkinLab has no words for the condition {name!r}.")


def monk_colour(step: int) -> str:
    """The swatch of a Monk step (clamped to 1-10)."""
    return MONK_HEX[max(1, min(len(MONK_HEX), step)) - 1]
