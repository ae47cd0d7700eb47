"""Hydration and elasticity: *estimates* from visual proxies, never measurements.

No RGB photo measures water content or mechanical elasticity. These levels combine measured visual
proxies with documented weights (dry skin looks rough and dull; less elastic skin shows more lines and
deeper folds) and are always flagged ``estimate`` so the UI and reports label them as such.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from core.analysis.frame import radius_px
from core.analysis.measures.base import MeasureResult, saturating_level
from core.analysis.measures.context import MeasureContext

HYDRATION_WEIGHTS: Final = {"roughness": 0.7, "dullness": 0.3}
ELASTICITY_WEIGHTS: Final = {"wrinkles": 0.75, "fold_depth": 0.25}
GLOW_HALF: Final = 6.0
"""Soft-sheen area (%) that reads as a radiance level of 50."""
FOLD_HALF: Final = 8.0
"""Nasolabial fold darkening (% Weber contrast) that reads as level 50."""
FOLD_PATCH_U: Final = 0.05
"""Half the side (face units, ~3 mm) of the square sampled on each nasolabial fold."""


def _glow_level(ctx: MeasureContext) -> float:
    """Radiance: share of skin with a gentle sheen (slightly brighter than its surroundings)."""
    sheen = np.clip((ctx.contrast - 0.01) / 0.03, 0.0, 1.0) * (
        1.0 - np.clip(ctx.specular, 0.0, 1.0)
    )
    where = ctx.skin_inner
    pct = 100.0 * float(sheen[where].mean()) if where.any() else 0.0
    return saturating_level(pct, GLOW_HALF)


def _fold_level(ctx: MeasureContext) -> float:
    """Depth of the nasolabial folds: how much darker the fold band is than the cheek beside it."""
    frame = ctx.face.canon.frame
    nx, ny = ctx.regions.nose_u
    deficits = []
    for sign in (-1.0, 1.0):
        x, y = frame.to_canvas(nx + sign * 0.32, ny + 0.15)
        r = radius_px(FOLD_PATCH_U, frame.iod)
        ys, xs = (
            slice(max(0, round(y) - r), round(y) + r),
            slice(max(0, round(x) - r), round(x) + r),
        )
        patch = ctx.contrast[ys, xs][ctx.skin[ys, xs]]
        if patch.size:
            deficits.append(max(0.0, -100.0 * float(np.median(patch))))
    return saturating_level(float(np.mean(deficits)) if deficits else 0.0, FOLD_HALF)


def estimate_hydration(ctx: MeasureContext, roughness: MeasureResult) -> MeasureResult:
    dullness = 100.0 - _glow_level(ctx)
    dryness = (
        HYDRATION_WEIGHTS["roughness"] * roughness.level + HYDRATION_WEIGHTS["dullness"] * dullness
    )
    level = float(np.clip(100.0 - dryness, 0.0, 100.0))
    regions = {k: float(np.clip(100.0 - v, 0.0, 100.0)) for k, v in roughness.regions.items()}
    return MeasureResult(
        "hydration",
        level,
        level,
        "estimate_0_100",
        regions,
        1.0 - roughness.mask,
        {"dullness": dullness, "roughness": roughness.level},
        estimate=True,
    )


def estimate_elasticity(ctx: MeasureContext, wrinkles: MeasureResult) -> MeasureResult:
    fold = _fold_level(ctx)
    loss = ELASTICITY_WEIGHTS["wrinkles"] * wrinkles.level + ELASTICITY_WEIGHTS["fold_depth"] * fold
    level = float(np.clip(100.0 - loss, 0.0, 100.0))
    regions = {k: float(np.clip(100.0 - v, 0.0, 100.0)) for k, v in wrinkles.regions.items()}
    return MeasureResult(
        "elasticity",
        level,
        level,
        "estimate_0_100",
        regions,
        wrinkles.mask,
        {"fold_depth": fold, "wrinkles": wrinkles.level},
        estimate=True,
    )
