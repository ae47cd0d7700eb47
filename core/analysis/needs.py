"""What each measure needs from a photo, and a readable reason when the photo cannot give it.

Every measure declares the finest detail it must resolve (mm), the skin it must see (cm², summed
over its regions after hair, glasses and the frame's edges are taken out) and whether it reads
colour. The photo's scale comes from the face: the distance between the eyes is 63 mm for an adult,
corrected for a head turned sideways (which shortens it on the photo). A measure is reported only
when the photo resolves its detail with ``PIXELS_PER_DETAIL`` pixels; the details (and so the
floors) were set from the resolution sweep in ``bench/bench_resolution.py`` (docs/analysis.md,
"Measure floors"): above its floor a measure stays within a few points of the full-size answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from core.analysis.frame import IOD_MM
from core.analysis.layout import REGION_NAMES, T_ZONE, U_ZONE

PIXELS_PER_DETAIL: Final = 2.0
"""Pixels across the finest detail a measure must resolve (the sampling theorem's two)."""
UNDER_EYES: Final = ("left_under_eye", "right_under_eye")
WRINKLE_AREAS: Final = (
    "forehead",
    "left_under_eye",
    "right_under_eye",
    "left_crows_feet",
    "right_crows_feet",
    "left_cheek",
    "right_cheek",
)
PORE_AREAS: Final = ("left_cheek", "right_cheek", "nose")
TONE_AREAS: Final = ("forehead", "left_cheek", "right_cheek", "nose", "chin")


@dataclass(frozen=True)
class Needs:
    """What one measure needs: finest detail (mm), skin area (cm²) over ``regions``, colour."""

    what: str
    """The property in a person's words ("pores", "fine lines"), for the reasons below."""
    detail_mm: float
    area_cm2: float
    regions: tuple[str, ...]
    colour: bool = False
    uses: tuple[str, ...] = ()
    """Measures it is computed from (the two estimates): declined when one of them is."""

    @property
    def min_px_per_mm(self) -> float:
        return PIXELS_PER_DETAIL / self.detail_mm

    @property
    def min_interocular_px(self) -> float:
        """The floor as a distance between the eyes, for people and docs."""
        return self.min_px_per_mm * IOD_MM


NEEDS: Final[dict[str, Needs]] = {
    "redness": Needs("redness", 4.2, 15.0, REGION_NAMES, colour=True),
    "pigmentation": Needs("dark spots", 1.95, 15.0, REGION_NAMES),
    "wrinkles": Needs("lines and wrinkles", 1.95, 10.0, WRINKLE_AREAS),
    "roughness": Needs("skin texture", 1.95, 10.0, REGION_NAMES),
    "pores": Needs("pores", 1.0, 8.0, PORE_AREAS, colour=True),
    "oiliness": Needs("shine", 2.6, 10.0, T_ZONE + U_ZONE, colour=True),
    "dark_circles": Needs("dark circles", 3.15, 1.5, UNDER_EYES, colour=True),
    "acne": Needs("blemishes", 2.6, 15.0, REGION_NAMES, colour=True),
    "hydration": Needs("hydration", 1.95, 10.0, REGION_NAMES, colour=True, uses=("roughness",)),
    "elasticity": Needs("firmness", 1.95, 10.0, WRINKLE_AREAS, uses=("wrinkles",)),
}
"""Per measure. The details are the floors measured on real faces (docs/analysis.md, "Measure
floors"): 126 / detail_mm px between the eyes, i.e. 30 (redness), 40 (dark circles), 48 (shine,
blemishes), 65 (spots, lines, texture and the two estimates: the detail every canvas is
equalised to, so that above it every photo carries the same detail) and 126 (pores)."""
SKIN_TONE_NEEDS: Final = Needs("skin tone", 5.0, 10.0, TONE_AREAS, colour=True)


@dataclass(frozen=True)
class Scale:
    """How many photo pixels one millimetre of this face covers."""

    interocular_px: float
    yaw_degrees: float

    @property
    def px_per_mm(self) -> float:
        return self.interocular_px / (IOD_MM * max(math.cos(math.radians(self.yaw_degrees)), 0.5))

    def to_json(self) -> dict[str, float]:
        return {
            "px_per_mm": round(self.px_per_mm, 3),
            "interocular_px": round(self.interocular_px, 1),
            "interocular_mm_assumed": IOD_MM,
        }


@dataclass(frozen=True)
class Declined:
    """Why a measure was not reported: a stable code and a sentence a person can act on."""

    code: str
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"measured": False, "reason_code": self.code, "reason": self.reason}


TINTED_LIGHT: Final = "tinted_light"
"""The code of a light too strongly coloured: every measure is declined under it, not only those
that need colour. On six shared portraits under a tungsten lamp, a red and a blue-green light, the
contrast measures moved far beyond their retest spreads: spots by up to 35 points, lines by 12,
texture by 9, firmness by 10 (docs/analysis.md)."""
UNCOVER: Final = "move hair, glasses or hands away and face the camera"
"""What to do when too little skin shows and nothing in particular is known to cover it."""


def decide(
    needs: Needs,
    *,
    scale: Scale,
    area_cm2: float,
    colour_problem: Declined | None,
    declined: set[str],
    uncover: str = UNCOVER,
) -> Declined | None:
    """None when the photo can support the measure, else why not (first reason only); ``uncover``
    is what to do when too little skin shows (:data:`UNCOVER`, or what covers it when known)."""
    missing = [u for u in needs.uses if u in declined]
    if missing:
        return Declined(
            "needs_other", f"{needs.what} is estimated from {missing[0]}, which was not measured"
        )
    if scale.px_per_mm < needs.min_px_per_mm:
        return Declined(
            "too_small",
            f"the photo is too small to see {needs.what}: move closer or use a higher resolution "
            f"(needs {needs.min_interocular_px:.0f} px between the eyes, "
            f"this photo has {scale.interocular_px:.0f})",
        )
    if colour_problem is not None and (needs.colour or colour_problem.code == TINTED_LIGHT):
        wanted = "colour" if needs.colour else "white light"
        return Declined(
            colour_problem.code, f"{colour_problem.reason}: {needs.what} needs {wanted}"
        )
    if area_cm2 < needs.area_cm2:
        return Declined(
            "too_little_skin",
            f"too little skin is visible to judge {needs.what} ({area_cm2:.1f} of "
            f"{needs.area_cm2:.0f} cm²): {uncover}",
        )
    return None
