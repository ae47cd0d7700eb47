"""Skin tone: the Individual Typology Angle (ITA°), its six categories, and the nearest Monk step.

ITA° = atan2(L* - 50, b*) in degrees. At very light and very dark tones b* is small and ITA swings,
so the nearest Monk Skin Tone swatch (by CIELAB distance) is reported beside it.

References
----------
Chardon, A., Cretois, I. & Hourseau, C. (1991). Skin colour typology and suntanning pathways.
Int. J. Cosmet. Sci. 13, 191-208.
Monk, E. (2019). The Monk Skin Tone Scale. https://skintone.google
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from core.analysis.frame import SET_AT_IOD
from core.analysis.measures.context import MeasureContext, enough
from core.analysis.normalise import to_lab
from core.vocabulary import MONK_HEX

CATEGORIES: Final = (
    (55.0, "very_light"),
    (41.0, "light"),
    (28.0, "intermediate"),
    (10.0, "tan"),
    (-30.0, "brown"),
)
TONE_REGIONS: Final = ("forehead", "left_cheek", "right_cheek", "nose", "chin")
MIN_PLAIN_U2: Final = 50 / SET_AT_IOD**2
"""The least plain skin (square face units, ~12 mm²) the tone is read from; less, all the skin."""


def ita_degrees(lightness: float, b_star: float) -> float:
    return math.degrees(math.atan2(lightness - 50.0, b_star))


def ita_category(ita: float) -> str:
    """very_light > 55 >= light > 41 >= intermediate > 28 >= tan > 10 >= brown > -30 >= dark."""
    for limit, name in CATEGORIES:
        if ita > limit:
            return name
    return "dark"


def srgb_hex_to_lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour written as ``#rrggbb``."""
    value = hex_colour.lstrip("#")
    rgb = np.array([[[int(value[i : i + 2], 16) for i in (0, 2, 4)]]], np.uint8)
    lab = to_lab(rgb, (1.0, 1.0, 1.0))[1][0, 0]
    return float(lab[0]), float(lab[1]), float(lab[2])


MONK_LAB: Final = tuple(srgb_hex_to_lab(h) for h in MONK_HEX)


def monk_step(lab: tuple[float, float, float]) -> int:
    """Nearest Monk Skin Tone step (1 lightest - 10 darkest) in the plane of lightness L* and
    yellowness b*, the plane of ITA: a* is the skin's redness (blood, light, white balance), not
    its pigment, and the swatches' a* (0-12) lies below most skin's (10-15), so a face far from
    them in a* was nearly equidistant from steps three apart and jumped between them with its
    frame size (rose_leslie_img1 on a plain background: Monk 2, 4 or 5 in 48 frames of 720p to
    12 MP; in this plane Monk 4 in all 48)."""
    distances = [math.dist((lab[0], lab[2]), (ref[0], ref[2])) for ref in MONK_LAB]
    return 1 + int(np.argmin(distances))


@dataclass(frozen=True)
class SkinTone:
    ita_deg: float
    category: str
    monk: int
    lab: tuple[float, float, float]

    def to_json(self) -> dict[str, object]:
        return {
            "ita_deg": round(self.ita_deg, 2),
            "category": self.category,
            "monk": self.monk,
            "lab": [round(v, 2) for v in self.lab],
        }


def skin_tone_from_lab(lab: tuple[float, float, float]) -> SkinTone:
    ita = ita_degrees(lab[0], lab[2])
    return SkinTone(ita, ita_category(ita), monk_step(lab), lab)


def measure_skin_tone(ctx: MeasureContext) -> SkinTone:
    """Median CIELAB of plain skin (no shine, spots or redness peaks) in the main regions."""
    where = ctx.regions.union(TONE_REGIONS) & ~ctx.spots & (ctx.specular < 0.1)
    if not enough(where, ctx.iod, MIN_PLAIN_U2):
        where = ctx.skin
    if not where.any():
        return skin_tone_from_lab((0.0, 0.0, 0.0))
    lab = ctx.face.canon.lab
    l_star, a_star, b_star = (float(np.median(lab[:, :, c][where])) for c in range(3))
    return skin_tone_from_lab((l_star, a_star, b_star))
