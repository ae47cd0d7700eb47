"""Measures: one module per skin property, each returning a 0-100 level and its physical value."""

from __future__ import annotations

from typing import Final

from core.analysis.measures.acne import measure_acne
from core.analysis.measures.base import MeasureResult, saturating_level
from core.analysis.measures.context import MeasureContext
from core.analysis.measures.dark_circles import measure_dark_circles
from core.analysis.measures.estimates import estimate_elasticity, estimate_hydration
from core.analysis.measures.oiliness import measure_oiliness
from core.analysis.measures.pigmentation import measure_pigmentation
from core.analysis.measures.pores import measure_pores
from core.analysis.measures.redness import measure_redness
from core.analysis.measures.roughness import measure_roughness
from core.analysis.measures.skin_tone import SkinTone, measure_skin_tone
from core.analysis.measures.wrinkles import measure_wrinkles

METRIC_NAMES: Final = (
    "hydration",
    "oiliness",
    "elasticity",
    "pores",
    "redness",
    "pigmentation",
    "wrinkles",
    "roughness",
    "dark_circles",
    "acne",
)


def run_measures(ctx: MeasureContext) -> dict[str, MeasureResult]:
    """Every metric of :data:`METRIC_NAMES`, in that order."""
    out = {
        "oiliness": measure_oiliness(ctx),
        "pores": measure_pores(ctx),
        "redness": measure_redness(ctx),
        "pigmentation": measure_pigmentation(ctx),
        "wrinkles": measure_wrinkles(ctx),
        "roughness": measure_roughness(ctx),
        "dark_circles": measure_dark_circles(ctx),
        "acne": measure_acne(ctx),
    }
    out["hydration"] = estimate_hydration(ctx, out["roughness"])
    out["elasticity"] = estimate_elasticity(ctx, out["wrinkles"])
    return {name: out[name] for name in METRIC_NAMES}


__all__ = [
    "METRIC_NAMES",
    "MeasureContext",
    "MeasureResult",
    "SkinTone",
    "measure_skin_tone",
    "run_measures",
    "saturating_level",
]
