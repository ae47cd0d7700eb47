"""Each measure's words: patient and clinical labels, meaning, direction, estimate flag, condition."""

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
SKIN_SCORE_LABEL: Final = "Overall skin score"
NOT_MEASURED: Final = "Not measured"
"""What every screen and the report say in place of a level the photo could not support."""
"""The overall score's name on the clinician's screens and the reports."""


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
                "How much pores stand out on the cheeks and nose, not their number.",
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
