"""Oiliness (shine): the fraction of skin showing specular reflection, T-zone compared with cheeks.

Sebum smooths the skin surface, which turns part of the reflection specular: spots brighter than the
surrounding skin and less saturated (the highlight takes the light's colour, not the skin's). The
weight is soft (0 to 1 per pixel) so the value does not jump at a threshold.

References
----------
Shafer, S. A. (1985). Using color to separate reflection components. Color Res. Appl. 10(4).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext
from core.analysis.regions import REGION_NAMES, T_ZONE, U_ZONE

HALF: Final = 2.5
"""Specular area (% of skin) that reads as level 50."""


def _pct(weight: np.ndarray, mask: np.ndarray) -> float:
    return 100.0 * float(weight[mask].mean()) if mask.any() else 0.0


def measure_oiliness(ctx: MeasureContext) -> MeasureResult:
    weight = ctx.specular
    t_zone = ctx.regions.union(T_ZONE)
    u_zone = ctx.regions.union(U_ZONE)
    value = _pct(weight, t_zone | u_zone)
    regions = {
        name: saturating_level(_pct(weight, ctx.regions.masks[name]), HALF)
        for name in REGION_NAMES
        if ctx.regions.masks[name].any()
    }
    t_pct, u_pct = _pct(weight, t_zone), _pct(weight, u_zone)
    return MeasureResult(
        "oiliness",
        saturating_level(value, HALF),
        value,
        "%_area",
        regions,
        heat(weight, 1.0, ctx.skin),
        {
            "t_zone_pct": t_pct,
            "u_zone_pct": u_pct,
            "t_zone_level": saturating_level(t_pct, HALF),
            "u_zone_level": saturating_level(u_pct, HALF),
        },
    )
