"""Pores: small, round, dark blobs on the cheeks and nose, at a fine scale fixed to the face.

Runs on the detail canvas (256 px between the eyes, about 0.25 mm per pixel) on the green channel
(the red one, where melanin contrast is weakest, clips first on bright skin and carries JPEG's
subsampled chroma). The value is the mean, over the cheek and nose skin, of how much stronger the
dark-blob response is at pore scale (~1.3 mm across) than at spot scale (~3 mm): that is how pores
are told from spots by size. Blob strength is the smaller Hessian eigenvalue, so lines and edges do
not count. A continuous strength, rather than a count of peaks, keeps the number from jumping when a
faint pore crosses a threshold.

References
----------
Lindeberg, T. (1998). Feature detection with automatic scale selection. IJCV 30(2), 79-116.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from core.analysis.frame import FaceFrame, disc
from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MeasureContext, enough, erode, masked_blur

HALF: Final = 0.4
"""Mean pore-scale blob strength (per mille of Weber contrast) that reads as level 50."""
PORE_SIGMA_U: Final = 0.010
SPOT_SIGMA_U: Final = 0.022
RESPONSE_LOW: Final = 0.0002
"""Blob strength below which texture is treated as noise."""
PORE_REGIONS: Final = ("left_cheek", "right_cheek", "nose")
SET_AT_DETAIL_IOD: Final = 256.0
"""The detail canvas (px between the eyes) on which the sizes below were first set in pixels."""
BACKGROUND_SIGMA_U: Final = 0.03
"""Width (face units, ~2 mm) of the local green background a pore's contrast is taken against."""
WIDEN_U: Final = 0.035
"""How far (face units, ~2 mm) lines and spots are widened before pores are looked for."""
INNER_U: Final = 3 / SET_AT_DETAIL_IOD
"""How far (face units, ~0.7 mm) from a region's border pores are counted."""
MIN_AREA_U2: Final = 50 / SET_AT_DETAIL_IOD**2
"""The least clear skin (square face units, ~3 mm²) a region's pores are averaged over."""


def blob_strength(image: np.ndarray, sigma: float) -> np.ndarray:
    """Scale-normalised dark-blob strength ``s² λ_min`` (both Hessian eigenvalues positive).

    Using the smaller eigenvalue instead of the Laplacian means a line (one large eigenvalue) or an
    edge gives nothing: only round dark dots, which is what a pore opening looks like.
    """
    g = cv2.GaussianBlur(image, (0, 0), sigma)
    dxx = cv2.Sobel(g, cv2.CV_32F, 2, 0, ksize=3, scale=0.25)
    dyy = cv2.Sobel(g, cv2.CV_32F, 0, 2, ksize=3, scale=0.25)
    dxy = cv2.Sobel(g, cv2.CV_32F, 1, 1, ksize=3, scale=0.25)
    root = np.subtract(dxx, dyy)
    root /= 2
    np.square(root, out=root)
    root += np.square(dxy, out=dxy)
    np.sqrt(root, out=root)
    smaller = np.add(dxx, dyy, out=dxx)
    smaller /= 2
    smaller -= root
    np.maximum(smaller, 0.0, out=smaller)
    smaller *= np.float32(sigma * sigma)
    return smaller


def _structures_on(ctx: MeasureContext, frame: FaceFrame) -> np.ndarray:
    """Lines (and any line-like valley, even too short to count as a wrinkle) and spots found on
    the canonical canvas, moved onto the detail canvas and widened: their ends and edges would
    otherwise count as pores."""
    canon = ctx.face.canon.frame
    scale = frame.iod / canon.iod
    matrix = np.array(
        [
            [scale, 0.0, frame.origin[0] - canon.origin[0] * scale],
            [0.0, scale, frame.origin[1] - canon.origin[1] * scale],
        ]
    )
    found = (ctx.line_like | ctx.spots).astype(np.uint8)
    moved = cv2.warpAffine(found, matrix, frame.size, flags=cv2.INTER_NEAREST)
    return cv2.dilate(moved, disc(WIDEN_U, frame.iod)).astype(bool)


def measure_pores(ctx: MeasureContext) -> MeasureResult:
    canvas = ctx.face.detail
    iod = canvas.frame.iod
    masks = ctx.regions.on_canvas(canvas, PORE_REGIONS)
    where = np.zeros(canvas.inside.shape, bool)
    for mask in masks.values():
        where |= mask
    green = canvas.rgb[:, :, 1].astype(np.float32)
    background = masked_blur(green, where, BACKGROUND_SIGMA_U * iod)
    contrast = np.divide(green, np.maximum(background, 4.0, out=background), out=background)
    contrast -= 1.0
    response = blob_strength(contrast, PORE_SIGMA_U * iod)
    larger = blob_strength(contrast, SPOT_SIGMA_U * iod)
    clear = ~_structures_on(ctx, canvas.frame)
    excess = np.subtract(response, larger, out=response)
    excess -= RESPONSE_LOW
    np.clip(excess, 0.0, None, out=excess)
    excess *= 1000.0
    regions: dict[str, float] = {}
    total, area = 0.0, 0
    for name, mask in masks.items():
        inside = erode(mask, INNER_U, iod) & clear
        if not enough(inside, iod, MIN_AREA_U2):
            continue
        regions[name] = saturating_level(float(excess[inside].mean()), HALF)
        total += float(excess[inside].sum())
        area += int(np.count_nonzero(inside))
    value = total / area if area else 0.0
    canon = ctx.face.canon.frame
    scale = canon.iod / iod
    matrix = np.array(
        [
            [scale, 0.0, canon.origin[0] - canvas.frame.origin[0] * scale],
            [0.0, scale, canon.origin[1] - canvas.frame.origin[1] * scale],
        ]
    )
    shown = cv2.warpAffine(
        np.where(clear & where, excess, np.float32(0.0)),
        matrix,
        canon.size,
        flags=cv2.INTER_AREA,
    )
    return MeasureResult(
        "pores",
        saturating_level(value, HALF),
        value,
        "blob_strength_permille",
        regions,
        heat(np.asarray(shown, dtype=np.float32), 4 * HALF, ctx.skin),
        {"measured_area_cm2": area / canvas.frame.px_per_cm**2},
    )
