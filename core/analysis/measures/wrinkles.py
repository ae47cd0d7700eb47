"""Wrinkles: dark, line-shaped valleys found by a multi-scale Hessian ridge filter.

The filter runs on Weber contrast (so the threshold is relative to the person's own lightness) at
scales fixed in face units (about 0.7 and 1.2 mm at the canonical 128 px between the eyes), never in
image pixels. Lines are kept where the larger Hessian eigenvalue dominates the smaller one (a valley,
not a blob), then thinned to a skeleton whose length gives the density.

References
----------
Sato, Y. et al. (1998). Three-dimensional multi-scale line filter for segmentation and visualization
of curvilinear structures in medical images. Medical Image Analysis 2(2), 143-168.
Frangi, A. F. et al. (1998). Multiscale vessel enhancement filtering. MICCAI, 130-137.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np
from skimage.morphology import skeletonize

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.blobs import components
from core.analysis.measures.context import Image, Mask, MeasureContext

HALF: Final = 0.3
"""Line length per skin area (cm/cm²) that reads as level 50."""
SCALES_U: Final = (0.016, 0.024)
THRESHOLD: Final = 0.007
MASK_THRESHOLD: Final = 0.006
"""Lines are traced down to this weaker strength so that they stay connected (and long enough to
count) when a photo is slightly softer; only strength above ``THRESHOLD`` adds length."""
FULL_STRENGTH: Final = 0.015
"""Ridge strength at which a line pixel counts fully; weaker ones count in proportion, so the
length does not jump when a faint line crosses the threshold."""
MIN_LENGTH_U: Final = 0.06
MIN_ELONGATION: Final = 2.5
"""Major/minor axis ratio below which a dark component is a spot, not a line."""
WRINKLE_REGIONS: Final = (
    "forehead",
    "left_under_eye",
    "right_under_eye",
    "left_crows_feet",
    "right_crows_feet",
    "left_cheek",
    "right_cheek",
)


def ridge_strength(contrast: Image, sigmas: tuple[float, ...]) -> Image:
    """Scale-normalised valley strength ``s² (λ1 - |λ2|) - s |∇|``, best over the scales.

    λ1 >= λ2 are the Hessian eigenvalues; λ1 - |λ2| favours lines over blobs, and subtracting the
    scale-normalised gradient removes the response a Hessian filter also gives beside a step edge
    (a shadow border, the rim of a darker patch), which is not a line.
    """
    best = np.zeros_like(contrast)
    for s in sigmas:
        g = cv2.GaussianBlur(contrast, (0, 0), s)
        dxx = cv2.Sobel(g, cv2.CV_32F, 2, 0, ksize=3, scale=0.25)
        dyy = cv2.Sobel(g, cv2.CV_32F, 0, 2, ksize=3, scale=0.25)
        dxy = cv2.Sobel(g, cv2.CV_32F, 1, 1, ksize=3, scale=0.25)
        gradient = np.hypot(
            cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3, scale=0.125),
            cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3, scale=0.125),
        )
        half_trace = (dxx + dyy) / 2
        root = np.sqrt(((dxx - dyy) / 2) ** 2 + dxy**2)
        lam1, lam2 = half_trace + root, half_trace - root
        best = np.maximum(best, (s * s) * (lam1 - np.abs(lam2)) - s * gradient)
    return best


def line_mask(ctx: MeasureContext) -> Mask:
    where = ctx.regions.union(WRINKLE_REGIONS) & ctx.skin_inner
    lines = where & (ctx.ridges > MASK_THRESHOLD) & (ctx.contrast < 0)
    parts = components(lines)
    return parts.select(
        (parts.length >= MIN_LENGTH_U * ctx.iod) & (parts.elongation >= MIN_ELONGATION)
    )


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
