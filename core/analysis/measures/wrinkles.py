"""Wrinkles: dark, line-shaped valleys found by a multi-scale Hessian ridge filter.

The filter runs on Weber contrast (so the threshold is relative to the person's own lightness) at
scales fixed in face units (about 0.7 and 1.2 mm at the canonical 128 px between the eyes), never in
image pixels. Lines are kept where the larger Hessian eigenvalue dominates the smaller one (a valley,
not a blob), then thinned to a skeleton whose length gives the density. The filter and the tracing
live in :mod:`core.analysis.measures.lines`.

References
----------
Sato, Y. et al. (1998). Three-dimensional multi-scale line filter for segmentation and visualization
of curvilinear structures in medical images. Medical Image Analysis 2(2), 143-168.
Frangi, A. F. et al. (1998). Multiscale vessel enhancement filtering. MICCAI, 130-137.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from skimage.morphology import skeletonize

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext
from core.analysis.measures.lines import WRINKLE_REGIONS

HALF: Final = 0.3
"""Line length per skin area (cm/cm²) that reads as level 50."""
THRESHOLD: Final = 0.007
"""Ridge strength above which a traced line pixel adds length (lines are traced down to
:data:`core.analysis.measures.lines.MASK_THRESHOLD`)."""
FULL_STRENGTH: Final = 0.015
"""Ridge strength at which a line pixel counts fully; weaker ones count in proportion, so the
length does not jump when a faint line crosses the threshold."""


def measure_wrinkles(ctx: MeasureContext) -> MeasureResult:
    lines = ctx.lines
    cm_per_px = 1.0 / ctx.face.canon.frame.px_per_cm
    weight = np.clip((ctx.ridges - THRESHOLD) / (FULL_STRENGTH - THRESHOLD), 0.0, 1.0)
    skeleton = np.where(skeletonize(lines), weight, 0.0)  # type: ignore[no-untyped-call]
    regions: dict[str, float] = {}
    total_len = 0.0
    total_area = 0.0
    for name in WRINKLE_REGIONS:
        mask = ctx.regions.masks[name]
        if not mask.any():
            continue
        length = float(skeleton[mask].sum()) * cm_per_px
        area = float(mask.sum()) * cm_per_px**2
        regions[name] = saturating_level(length / area, HALF)
        total_len += length
        total_area += area
    value = total_len / total_area if total_area > 0 else 0.0
    depth = float(-ctx.contrast[lines].mean()) if lines.any() else 0.0
    return MeasureResult(
        "wrinkles",
        saturating_level(value, HALF),
        value,
        "cm/cm2",
        regions,
        heat(np.where(lines, -ctx.contrast, 0.0), 0.15, ctx.skin),
        {"line_length_cm": total_len, "mean_depth_pct": 100 * depth},
    )
