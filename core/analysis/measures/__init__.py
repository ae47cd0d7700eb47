"""Measures: one module per skin property, each returning a 0-100 level and its physical value."""

from __future__ import annotations

from collections.abc import Callable
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


def run_measures(
    ctx: MeasureContext, *, progress: Callable[[str], None] | None = None
) -> dict[str, MeasureResult]:
    """Every metric of :data:`METRIC_NAMES`, in that order; ``progress`` hears each one start."""
    steps: tuple[tuple[str, str, Callable[[MeasureContext], MeasureResult]], ...] = (
        ("oiliness", "Measuring shine", measure_oiliness),
        ("pores", "Measuring pores", measure_pores),
        ("redness", "Measuring redness", measure_redness),
        ("pigmentation", "Measuring dark spots", measure_pigmentation),
        ("wrinkles", "Measuring lines", measure_wrinkles),
        ("roughness", "Measuring texture", measure_roughness),
        ("dark_circles", "Measuring dark circles", measure_dark_circles),
        ("acne", "Looking for blemishes", measure_acne),
    )
    out: dict[str, MeasureResult] = {}
    for name, stage, measure in steps:
        if progress is not None:
            progress(stage)
        out[name] = measure(ctx)
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
