"""Pores: small, round, dark blobs on the cheeks and nose, counted per cm² at a fine fixed scale.

Runs on the detail canvas (256 px between the eyes, about 0.25 mm per pixel) using the red channel,
where melanin and haemoglobin contrast is weakest and the pore openings' shadow remains. A blob is a
local maximum of the scale-normalised Laplacian of Gaussian of Weber contrast that is stronger at pore
scale than at spot scale, which is how pores are told from spots by size.

References
----------
Lindeberg, T. (1998). Feature detection with automatic scale selection. IJCV 30(2), 79-116.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.frame import FaceFrame
from core.analysis.measures.context import MeasureContext, erode, masked_blur

HALF: Final = 20.0
"""Pore density (soft count per cm²) that reads as level 50."""
PORE_SIGMA_U: Final = 0.005
SPOT_SIGMA_U: Final = 0.012
RESPONSE_LOW: Final = 0.012
RESPONSE_HIGH: Final = 0.03
PORE_REGIONS: Final = ("left_cheek", "right_cheek", "nose")


def _log(image: np.ndarray, sigma: float) -> np.ndarray:
    g = cv2.GaussianBlur(image, (0, 0), sigma)
    return (sigma * sigma) * cv2.Laplacian(g, cv2.CV_32F, ksize=3)


def _structures_on(ctx: MeasureContext, frame: FaceFrame) -> np.ndarray:
    """Lines and spots found on the canonical canvas, moved onto the detail canvas and widened:
    their ends and edges would otherwise count as pores."""
    canon = ctx.face.canon.frame
    scale = frame.iod / canon.iod
    matrix = np.array(
        [
            [scale, 0.0, frame.origin[0] - canon.origin[0] * scale],
            [0.0, scale, frame.origin[1] - canon.origin[1] * scale],
        ]
    )
    found = (ctx.lines | ctx.spots).astype(np.uint8)
    moved = cv2.warpAffine(found, matrix, frame.size, flags=cv2.INTER_NEAREST)
    radius = max(1, round(0.02 * frame.iod))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.dilate(moved, kernel).astype(bool)


def measure_pores(ctx: MeasureContext) -> MeasureResult:
    canvas = ctx.face.detail
    iod = canvas.frame.iod
    masks = ctx.regions.on_canvas(canvas, PORE_REGIONS)
    where = np.zeros(canvas.inside.shape, bool)
    for mask in masks.values():
        where |= mask
    red = canvas.rgb[:, :, 0].astype(np.float32)
    background = masked_blur(red, where, 0.03 * iod)
    contrast = red / np.maximum(background, 4.0) - 1.0
    response = _log(contrast, PORE_SIGMA_U * iod)
    larger = _log(contrast, SPOT_SIGMA_U * iod)
    peaks = (response >= cv2.dilate(response, np.ones((5, 5), np.uint8))) & (response > larger)
    weight = np.clip((response - RESPONSE_LOW) / (RESPONSE_HIGH - RESPONSE_LOW), 0.0, 1.0)
    clear = ~_structures_on(ctx, canvas.frame)
    scored = np.where(peaks & erode(where, 3) & clear, weight, 0.0)
    px_per_cm2 = canvas.frame.px_per_cm**2
    regions: dict[str, float] = {}
    total, area = 0.0, 0.0
    for name, mask in masks.items():
        inside = erode(mask, 3) & clear
        if inside.sum() < 50:
            continue
        count = float(scored[inside].sum())
        cm2 = float(inside.sum()) / px_per_cm2
        regions[name] = saturating_level(count / cm2, HALF)
        total += count
        area += cm2
    value = total / area if area > 0 else 0.0
    display = cv2.dilate(scored.astype(np.float32), np.ones((3, 3), np.uint8))
    canon = ctx.face.canon.frame
    scale = canon.iod / iod
    matrix = np.array(
        [
            [scale, 0.0, canon.origin[0] - canvas.frame.origin[0] * scale],
            [0.0, scale, canon.origin[1] - canvas.frame.origin[1] * scale],
        ]
    )
    mask = cv2.warpAffine(display, matrix, canon.size, flags=cv2.INTER_AREA)
    return MeasureResult(
        "pores",
        saturating_level(value, HALF),
        value,
        "per_cm2",
        regions,
        heat(mask, 0.25, ctx.skin),
        {"pore_count": total, "measured_area_cm2": area},
    )
