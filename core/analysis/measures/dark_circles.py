"""Dark circles: colour difference between the under-eye skin and the upper cheek of the same side.

The value is a one-sided, darkness-weighted CIE76 ΔE*ab: only the directions in which dark circles
differ from the cheek count -- darker (ΔL*), redder/purpler (a* higher under the eye: vascular) and bluer (b* lower:
thin skin over veins). A lighter under-eye (concealer) or a redder cheek (blush, rosacea) therefore
cannot read as a dark circle. Differences are taken at a reference exposure (see
``MeasureContext.exposure_scale``), so a brighter photo of the same face reads the same.

Clinical studies grade infraorbital darkening by ΔL* and ΔE against the adjacent cheek; ΔE against a
photographic grading scale has been reported to correlate at r = 0.99 (see docs/analysis.md).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext, enough
from core.analysis.pixels import pixels_at

HALF: Final = 4.0
"""One-sided ΔE*ab that reads as level 50."""
COLOUR_WEIGHT: Final = 0.25
"""Colour shifts count half as much as darkening (weight 0.25 on their squares): an under-eye that
is only less yellow than a sun-kissed cheek is not a dark circle, and JPEG chroma noise is large."""
UPPER_CHEEK_MAX_V: Final = 0.8


def trimmed_mean(pixels: np.ndarray, cut: float = 0.2) -> np.ndarray:
    """Per-channel mean of the middle 60 %: robust like a median, but it moves smoothly instead of
    jumping between the few distinct values a smooth 8-bit region contains."""
    ordered = np.sort(pixels, axis=0)
    lo, hi = (
        int(len(ordered) * cut),
        max(int(len(ordered) * (1 - cut)), int(len(ordered) * cut) + 1),
    )
    return np.asarray(ordered[lo:hi].mean(axis=0))


def _plain(ctx: MeasureContext, mask: np.ndarray) -> np.ndarray:
    """``mask`` without spots, lines and shine, unless that leaves too little skin."""
    plain = mask & ctx.plain_skin
    return plain if enough(plain, ctx.iod) else mask


def _reference(ctx: MeasureContext, side: str) -> np.ndarray | None:
    cheek = _plain(ctx, ctx.regions.masks[f"{side}_cheek"]).copy()
    frame = ctx.face.canon.frame
    limit = round(frame.origin[1] + UPPER_CHEEK_MAX_V * frame.iod)
    cheek[limit:] = False
    if not enough(cheek, ctx.iod):
        cheek = ctx.regions.masks[f"{side}_cheek"]
    if not enough(cheek, ctx.iod):
        return None
    return trimmed_mean(pixels_at(ctx.face.canon.lab, cheek))


def measure_dark_circles(ctx: MeasureContext) -> MeasureResult:
    lab = ctx.face.canon.lab
    heatmap = np.zeros(lab.shape[:2], np.float32)
    regions: dict[str, float] = {}
    values, delta_ls = [], []
    for side in ("left", "right"):
        under = _plain(ctx, ctx.regions.masks[f"{side}_under_eye"])
        ref = _reference(ctx, side)
        if ref is None or not enough(under, ctx.iod):
            continue
        eye = trimmed_mean(pixels_at(lab, under))
        delta_l, delta_a, delta_b = (ref - eye) * ctx.exposure_scale
        delta_l = float(delta_l)
        redder = max(0.0, -float(delta_a))
        bluer = max(0.0, float(delta_b))
        value = math.sqrt(max(delta_l, 0.0) ** 2 + COLOUR_WEIGHT * (redder**2 + bluer**2))
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
