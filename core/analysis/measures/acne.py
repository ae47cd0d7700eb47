"""Acne and blemishes: small red spots, i.e. local peaks of a* above the surrounding skin.

Each peak counts softly (0 to 1 between two contrast thresholds), so that the value changes smoothly
with the photo instead of jumping when one spot crosses a threshold. Peaks are searched between about
1 and 6 mm across, at the canonical scale.

References
----------
Lindeberg, T. (1998). Feature detection with automatic scale selection. IJCV 30(2), 79-116.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext
from core.analysis.regions import REGION_NAMES

HALF: Final = 4.0
"""Soft count of red spots on the face that reads as level 50."""
DELTA_LOW: Final = 4.0
DELTA_HIGH: Final = 10.0
SMOOTH_U: Final = 0.02
"""Smoothing (face units, ~0.6 mm) before peak finding: a spot is at least 1 mm across, and
smoothing at that size keeps pixel noise and JPEG blocks from creating or removing peaks."""
PEAK_WINDOW_U: Final = 0.05


def measure_acne(ctx: MeasureContext) -> MeasureResult:
    residual = cv2.GaussianBlur(ctx.a_star, (0, 0), SMOOTH_U * ctx.iod) - ctx.a_background
    window = max(3, round(PEAK_WINDOW_U * ctx.iod) | 1)
    peaks = residual >= cv2.dilate(residual, np.ones((window, window), np.uint8))
    weight = np.clip((residual - DELTA_LOW) / (DELTA_HIGH - DELTA_LOW), 0.0, 1.0)
    scored = np.where(peaks & ctx.skin_inner, weight, 0.0)
    value = float(scored.sum())
    regions = {
        name: saturating_level(float(scored[ctx.regions.masks[name]].sum()), HALF / 2)
        for name in REGION_NAMES
        if ctx.regions.masks[name].any()
    }
    return MeasureResult(
        "acne",
        saturating_level(value, HALF),
        value,
        "spots",
        regions,
        heat(residual - DELTA_LOW / 2, DELTA_HIGH, ctx.skin),
        {"red_spot_count": float((scored > 0.5).sum())},
    )
