"""Dark circles: colour difference between the under-eye skin and the upper cheek of the same side.

The value is CIE76 ΔE*ab in which a lighter under-eye does not count (only a positive ΔL* = cheek
minus under-eye adds to it), so concealer or a bright lower lid cannot read as a dark circle, while a
bluish or brownish cast still does.

Clinical studies grade infraorbital darkening by ΔL* and ΔE against the adjacent cheek; ΔE against a
photographic grading scale has been reported to correlate at r = 0.99 (see docs/analysis.md).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext

HALF: Final = 8.0
"""ΔE*ab (lightening ignored) that reads as level 50."""
UPPER_CHEEK_MAX_V: Final = 0.8


def _reference(ctx: MeasureContext, side: str) -> np.ndarray | None:
    cheek = ctx.regions.masks[f"{side}_cheek"].copy()
    frame = ctx.face.canon.frame
    limit = round(frame.origin[1] + UPPER_CHEEK_MAX_V * frame.iod)
    cheek[limit:] = False
    if cheek.sum() < 20:
        cheek = ctx.regions.masks[f"{side}_cheek"]
    if cheek.sum() < 20:
        return None
    return np.median(ctx.face.canon.lab[cheek], axis=0)


def measure_dark_circles(ctx: MeasureContext) -> MeasureResult:
    lab = ctx.face.canon.lab
    heatmap = np.zeros(lab.shape[:2], np.float32)
    regions: dict[str, float] = {}
    values, delta_ls = [], []
    for side in ("left", "right"):
        under = ctx.regions.masks[f"{side}_under_eye"]
        ref = _reference(ctx, side)
        if ref is None or under.sum() < 20:
            continue
        eye = np.median(lab[under], axis=0)
        delta_l = float(ref[0] - eye[0])
        value = math.sqrt(
            max(delta_l, 0.0) ** 2 + float(ref[1] - eye[1]) ** 2 + float(ref[2] - eye[2]) ** 2
        )
        values.append(value)
        delta_ls.append(delta_l)
        regions[f"{side}_under_eye"] = saturating_level(value, HALF)
        heatmap = np.maximum(heatmap, heat(ref[0] - ctx.lightness, 3 * HALF, under))
    value = float(np.mean(values)) if values else 0.0
    return MeasureResult(
        "dark_circles",
        saturating_level(value, HALF),
        value,
        "delta_E_ab",
        regions,
        heatmap,
        {"delta_L": float(np.mean(delta_ls)) if delta_ls else 0.0},
    )
