"""Pigmentation: spots darker in L* than their local skin background, grouped into blobs.

Contrast is Weber contrast (a fraction of the local lightness), which is what the eye sees and
which keeps the threshold fair on darker skin. The spots themselves are found by
:func:`core.analysis.measures.spots.spot_mask` (mostly red blobs go to acne, long thin ones to
wrinkles). The background is a normalised-convolution Gaussian mean over skin only (about 7.5 mm wide), so
the eyes, brows and hair around a region do not darken it.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.blobs import components, weighted_elongation
from core.analysis.measures.context import MeasureContext
from core.analysis.measures.spots import MAX_ELONGATION, MIN_CONTRAST
from core.analysis.regions import REGION_NAMES

HALF: Final = 0.8
"""Contrast-weighted spot area (% of skin) that reads as level 50."""
FULL_CONTRAST: Final = 0.15
"""Weber contrast at which a spot pixel counts fully; fainter ones count in proportion."""
ROUND: Final = 2.0
"""Axis ratio up to which a spot counts fully. Lentigines, freckles and moles are round to oval; a
spot counts less the more elongated it is, down to nothing at the spot map's ``MAX_ELONGATION``
(3), where a dark blob is as likely a piece of a line, a crease or the end of a brow. The shape is
that of the spot's darkness (pixels weighted by their contrast weight), not of its outline, which
wavers where pixels hover at the 5 % threshold; and the weight is graded, not a second cut, so a
spot whose shape reads a little differently on a retake moves the level a little. Calibrated on
faces-age (docs/analysis.md, "Validation")."""


def measure_pigmentation(ctx: MeasureContext) -> MeasureResult:
    spots = ctx.spots
    skin = ctx.skin
    area = int(np.count_nonzero(skin))
    if area == 0:
        return MeasureResult(
            "pigmentation", 0.0, 0.0, "%_weighted_area", {}, np.zeros(skin.shape, np.float32)
        )
    darkness = np.clip((-ctx.contrast - MIN_CONTRAST) / (FULL_CONTRAST - MIN_CONTRAST), 0.0, 1.0)
    blobs = components(spots)
    shape = weighted_elongation(blobs, darkness)
    roundness = np.clip((MAX_ELONGATION - shape) / (MAX_ELONGATION - ROUND), 0.0, 1.0)
    roundness[0] = 0.0
    weight = np.take(roundness, blobs.labels) * np.where(spots, darkness, 0.0)
    value = 100.0 * float(weight.sum()) / area
    regions = {}
    for name in REGION_NAMES:
        mask = ctx.regions.masks[name]
        if mask.any():
            share = 100.0 * float(weight[mask].sum()) / ctx.regions.pixel_counts[name]
            regions[name] = saturating_level(share, HALF)
    count = blobs.area.size - 1
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
            "spot_area_pct": 100.0 * np.count_nonzero(spots) / area,
        },
    )
