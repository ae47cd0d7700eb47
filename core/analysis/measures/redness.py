"""Redness: how far the skin's a* (green-red axis of CIELAB) rises above the person's own baseline.

Haemoglobin absorbs green light, so more blood near the surface raises a*. Measuring the elevation
over a baseline taken from the same face (its 20th percentile) instead of an absolute a* keeps
darker skin from being read as less red by construction.

References
----------
Takiwaki, H. (1998). Measurement of skin color: practical application and theoretical
considerations. J. Med. Invest. 44, 121-126.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext
from core.analysis.regions import REGION_NAMES

HALF: Final = 3.5
"""Mean a* elevation (Δa*) that reads as level 50."""
BASELINE_PERCENTILE: Final = 20.0
RED_AREA_DELTA: Final = 6.0


def measure_redness(ctx: MeasureContext) -> MeasureResult:
    skin = ctx.skin
    a = ctx.a_star
    if not skin.any():
        return MeasureResult("redness", 0.0, 0.0, "delta_a*", {}, np.zeros_like(a))
    baseline = float(np.percentile(a[skin], BASELINE_PERCENTILE))
    elevation = np.clip(a - baseline, 0.0, None)
    value = float(elevation[skin].mean())
    regions = {
        name: saturating_level(ctx.region_mean(elevation, name), HALF)
        for name in REGION_NAMES
        if ctx.regions.masks[name].any()
    }
    return MeasureResult(
        "redness",
        saturating_level(value, HALF),
        value,
        "delta_a*",
        regions,
        heat(elevation, 4 * HALF, skin),
        {
            "baseline_a": baseline,
            "red_area_pct": 100.0 * float((elevation[skin] > RED_AREA_DELTA).mean()),
        },
    )
