"""Words for skin type, skin tone, face regions and conditions, and the Monk swatches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from core.vocabulary.measures import MEASURES, UnknownTermError

# -- skin type, tone, regions -------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    meaning: str = ""


def _terms(*items: Term) -> Mapping[str, Term]:
    return MappingProxyType({t.key: t for t in items})


UNDETERMINED: Final = "unknown"
"""The skin type the engine gives when the photo could not show what it needs."""
SKIN_TYPES: Final = _terms(
    Term("normal", "Normal", "Balanced: neither noticeably oily nor dry."),
    Term("dry", "Dry", "Little shine and a dull look; may feel tight."),
    Term("oily", "Oily", "Shine across the forehead, nose and cheeks."),
    Term("combination", "Combination", "Oilier forehead, nose and chin; drier cheeks."),
    Term("sensitive", "Sensitive", "Prone to redness: choose gentle products."),
    Term(UNDETERMINED, "Not determined", "The photo could not show shine, which skin type needs."),
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


def skin_type_reason(key: str) -> str:
    """Why the skin type is not determined, in its own words (what the photo could not show);
    empty for a type that is."""
    return skin_type(key).meaning if key == UNDETERMINED else ""


def tone_category(key: str) -> Term:
    return _term(TONE_CATEGORIES, key, "skin tone")


def region(key: str) -> Term:
    return _term(REGIONS, key, "face region")


def region_label(key: str) -> str:
    """A region's words; a region a newer engine added reads as its name, never a blank."""
    return REGIONS[key].label if key in REGIONS else key.replace("_", " ")


def left_out(key: str, why: str) -> str:
    """A part of the face left out of every measure, as every screen and report says it
    ("Forehead: left out \u2014 hidden by hair or a hat")."""
    return f"{region_label(key).capitalize()}: left out \u2014 {why}"


def condition_label(name: str) -> str:
    """The label of a condition the engine named (``hyperpigmentation`` -> "Dark spots")."""
    for item in MEASURES.values():
        if item.condition == name:
            return item.condition_label
    raise UnknownTermError(f"SkinLab has no words for the condition {name!r}.")


def monk_colour(step: int) -> str:
    """The swatch of a Monk step (clamped to 1-10)."""
    return MONK_HEX[max(1, min(len(MONK_HEX), step)) - 1]
