"""Dark circles: colour difference between the under-eye skin and the upper cheek of the same side.

The value is a one-sided CIE76 ΔE*ab: only the directions in which dark circles differ from the
cheek count -- darker (ΔL*), redder/purpler (a* higher under the eye: vascular) and bluer (b* lower:
thin skin over veins). A lighter under-eye (concealer) or a redder cheek (blush, rosacea) therefore
cannot read as a dark circle.

Clinical studies grade infraorbital darkening by ΔL* and ΔE against the adjacent cheek; ΔE against a
photographic grading scale has been reported to correlate at r = 0.99 (see docs/analysis.md).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext

HALF: Final = 5.0
"""ΔE*ab (lightening ignored) that reads as level 50."""
UPPER_CHEEK_MAX_V: Final = 0.8


def _plain(ctx: MeasureContext, mask: np.ndarray) -> np.ndarray:
    """``mask`` without spots, lines and shine, unless that leaves too little skin."""
    plain = mask & ~ctx.spots & ~ctx.lines & (ctx.specular < 0.2)
    return plain if plain.sum() >= 20 else mask


def _reference(ctx: MeasureContext, side: str) -> np.ndarray | None:
    cheek = _plain(ctx, ctx.regions.masks[f"{side}_cheek"]).copy()
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
        under = _plain(ctx, ctx.regions.masks[f"{side}_under_eye"])
        ref = _reference(ctx, side)
        if ref is None or under.sum() < 20:
            continue
        eye = np.median(lab[under], axis=0)
        delta_l = float(ref[0] - eye[0])
        redder = max(0.0, float(eye[1] - ref[1]))
        bluer = max(0.0, float(ref[2] - eye[2]))
        value = math.sqrt(max(delta_l, 0.0) ** 2 + redder**2 + bluer**2)
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
