"""Spot map: compact blobs darker in L* than their local skin background, as an array function.

Blobs that are mostly red (a* rises more than L* falls) are left to the acne measure; long thin
blobs are lines, left to the wrinkle measure. The pigmentation measure weighs these spots; the
context keeps them so that other measures can leave them out.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from core.analysis.measures.base import Image, Mask
from core.analysis.measures.blobs import components

MIN_CONTRAST: Final = 0.05
"""Weber contrast below which a darker pixel is not a spot."""
MIN_AREA_MM2: Final = 1.0
MAX_AREA_MM2: Final = 100.0
MAX_ELONGATION: Final = 3.0
"""Major/minor axis ratio above which a dark blob is a line or a fold, not a spot."""


def spot_mask(
    *,
    contrast: Image,
    lightness: Image,
    background: Image,
    a_star: Image,
    a_background: Image,
    skin_inner: Mask,
    lines: Mask,
    near_non_skin: Mask,
    mm_per_px: float,
) -> Mask:
    """Pixels of compact, darker-than-surroundings, not-mainly-red blobs.

    Blobs touching ``near_non_skin`` are dropped: they are the ends of larger dark structures
    (hair, brows, folds in shadow) rather than spots.
    """
    deficit = -contrast
    delta_l = background - lightness
    delta_a = a_star - a_background
    candidate = skin_inner & (deficit > MIN_CONTRAST) & (delta_a < delta_l) & ~lines
    blobs = components(candidate)
    area_mm2 = blobs.area * mm_per_px**2
    keep = (
        (area_mm2 >= MIN_AREA_MM2)
        & (area_mm2 <= MAX_AREA_MM2)
        & (blobs.elongation <= MAX_ELONGATION)
    )
    touching = np.unique(blobs.labels[near_non_skin & candidate])
    keep[touching] = False
    return blobs.select(keep)
