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

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext
from core.analysis.measures.lines import MASK_THRESHOLD, WRINKLE_REGIONS
from core.analysis.measures.skeleton import skeletonize

HALF: Final = 0.35
"""Line length per skin area (cm/cm²) that reads as level 50."""
THRESHOLD: Final = MASK_THRESHOLD
"""Ridge strength above which a traced line pixel adds length: every traced line counts. For a line
as wide as the filter, s² λ is about 0.35 x its Weber contrast on L* + 16, so 0.006 is a line about
1.7 % darker in L* + 16 (about 5 % in luminance: a line a person sees on skin)."""
FULL_STRENGTH: Final = 0.010
"""Ridge strength (a line about 3 % darker in L* + 16) at which a line pixel counts fully; weaker
ones count in proportion, so the length does not jump when a faint line crosses the threshold. Was
0.015 (4 %, counting from 0.007): the faint lines that appear first with age then counted only in
part (calibrated on faces-age, docs/analysis.md "Validation")."""


def measure_wrinkles(ctx: MeasureContext) -> MeasureResult:
    lines = ctx.lines
    cm_per_px = 1.0 / ctx.face.canon.frame.px_per_cm
    weight = np.clip((ctx.ridges - THRESHOLD) / (FULL_STRENGTH - THRESHOLD), 0.0, 1.0)
    skeleton = np.where(skeletonize(lines), weight, 0.0)
    regions: dict[str, float] = {}
    total_len = 0.0
    total_area = 0.0
    for name in WRINKLE_REGIONS:
        mask = ctx.regions.masks[name]
        if not mask.any():
            continue
        length = float(skeleton[mask].sum()) * cm_per_px
        area = ctx.regions.pixel_counts[name] * cm_per_px**2
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
