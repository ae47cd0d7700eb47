"""Pigmentation: spots darker in L* than their local skin background, grouped into blobs.

Contrast is Weber contrast (a fraction of the local lightness), which is what the eye sees and
which keeps the threshold fair on darker skin. Blobs that are mostly red (a* rises more than L*
falls) are left to the acne measure; long thin blobs are lines, left to the wrinkle measure.
The background is a normalised-convolution Gaussian mean over skin only (about 7.5 mm wide), so
the eyes, brows and hair around a region do not darken it.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.blobs import components
from core.analysis.measures.context import Mask, MeasureContext
from core.analysis.regions import REGION_NAMES

HALF: Final = 1.0
"""Contrast-weighted spot area (% of skin) that reads as level 50."""
MIN_CONTRAST: Final = 0.05
FULL_CONTRAST: Final = 0.15
"""Weber contrast at which a spot pixel counts fully; fainter ones count in proportion."""
MIN_AREA_MM2: Final = 1.0
MAX_AREA_MM2: Final = 100.0
MAX_ELONGATION: Final = 3.0
"""Major/minor axis ratio above which a dark blob is a line or a fold, not a spot."""


def spot_mask(ctx: MeasureContext) -> Mask:
    """Pixels of compact, darker-than-surroundings, not-mainly-red blobs.

    Blobs touching the edge of the skin mask are dropped: they are the ends of larger dark
    structures (hair, brows, folds in shadow) rather than spots.
    """
    deficit = -ctx.contrast
    delta_l = ctx.background - ctx.lightness
    delta_a = ctx.a_star - ctx.a_background
    candidate = ctx.skin_inner & (deficit > MIN_CONTRAST) & (delta_a < delta_l) & ~ctx.lines
    blobs = components(candidate)
    mm_per_px = 10.0 / ctx.face.canon.frame.px_per_cm
    area_mm2 = blobs.area * mm_per_px**2
    keep = (
        (area_mm2 >= MIN_AREA_MM2)
        & (area_mm2 <= MAX_AREA_MM2)
        & (blobs.elongation <= MAX_ELONGATION)
    )
    touching = np.unique(blobs.labels[ctx.near_non_skin & candidate])
    keep[touching] = False
    return blobs.select(keep)


def measure_pigmentation(ctx: MeasureContext) -> MeasureResult:
    spots = ctx.spots
    skin = ctx.skin
    area = int(skin.sum())
    if area == 0:
        return MeasureResult(
            "pigmentation", 0.0, 0.0, "%_weighted_area", {}, np.zeros(skin.shape, np.float32)
        )
    weight = np.where(
        spots,
        np.clip((-ctx.contrast - MIN_CONTRAST) / (FULL_CONTRAST - MIN_CONTRAST), 0.0, 1.0),
        0.0,
    )
    value = 100.0 * float(weight.sum()) / area
    regions = {}
    for name in REGION_NAMES:
        mask = ctx.regions.masks[name]
        if mask.any():
            regions[name] = saturating_level(100.0 * float(weight[mask].sum()) / mask.sum(), HALF)
    count = cv2.connectedComponents(spots.astype(np.uint8), connectivity=8)[0] - 1
    contrast = float(-ctx.contrast[spots].mean()) if spots.any() else 0.0
    cm2 = area / ctx.face.canon.frame.px_per_cm**2
    return MeasureResult(
        "pigmentation",
        saturating_level(value, HALF),
        value,
        "%_weighted_area",
        regions,
        heat(np.where(spots, -ctx.contrast, 0.0), 0.2, skin),
        {
            "spot_count": float(count),
            "spots_per_cm2": count / cm2,
            "mean_contrast_pct": 100 * contrast,
            "spot_area_pct": 100.0 * float(spots.sum()) / area,
        },
    )
