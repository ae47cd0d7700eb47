"""Measures: one module per skin property, each returning a 0-100 level and its physical value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
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
from core.analysis.parallel import Step, run_steps

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


_STEPS: Final[tuple[tuple[str, str, Callable[[MeasureContext], MeasureResult]], ...]] = (
    ("oiliness", "Measuring shine", measure_oiliness),
    ("pores", "Measuring pores", measure_pores),
    ("redness", "Measuring redness", measure_redness),
    ("pigmentation", "Measuring dark spots", measure_pigmentation),
    ("wrinkles", "Measuring lines", measure_wrinkles),
    ("roughness", "Measuring texture", measure_roughness),
    ("dark_circles", "Measuring dark circles", measure_dark_circles),
    ("acne", "Looking for blemishes", measure_acne),
)
"""The measures that read only the context: the metric each gives, what a person is told as it
starts, and the measure."""
STEP_NAMES: Final = tuple(name for name, _, _ in _STEPS)
"""The metric each of :func:`measure_steps` gives, in its order."""


def measure_steps(ctx: MeasureContext) -> tuple[Step[MeasureResult], ...]:
    """The measures that read only ``ctx``, each with what a person is told as it starts; they
    share the context's maps and may run at the same time (:mod:`core.analysis.parallel`)."""
    return tuple(Step(partial(measure, ctx), label) for _, label, measure in _STEPS)


def with_estimates(
    ctx: MeasureContext, measured: Sequence[MeasureResult]
) -> dict[str, MeasureResult]:
    """Every metric of :data:`METRIC_NAMES`, in that order: the measured ones and the two estimates
    made from them."""
    out = dict(zip(STEP_NAMES, measured, strict=True))
    out["hydration"] = estimate_hydration(ctx, out["roughness"])
    out["elasticity"] = estimate_elasticity(ctx, out["wrinkles"])
    return {name: out[name] for name in METRIC_NAMES}


def run_measures(
    ctx: MeasureContext, *, progress: Callable[[str], None] | None = None
) -> dict[str, MeasureResult]:
    """Every metric of :data:`METRIC_NAMES`, in that order, on the calling thread (the stage bench
    times each measure alone); ``progress`` hears each one start."""
    measured = run_steps(measure_steps(ctx), threads=1, progress=progress)
    return with_estimates(ctx, measured)


__all__ = [
    "METRIC_NAMES",
    "STEP_NAMES",
    "MeasureContext",
    "MeasureResult",
    "SkinTone",
    "measure_skin_tone",
    "measure_steps",
    "run_measures",
    "saturating_level",
    "with_estimates",
]
