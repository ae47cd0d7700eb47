"""Roughness (texture): fine-scale lightness variation of the skin once spots, lines and shine are
removed.

The value is the (robust) RMS of a band-pass (difference of Gaussians, about 0.5 to 1 mm at the canonical
scale) of Weber contrast, so uneven lighting (slow) and spots or lines (masked out) do not count, and
the number is relative to the person's own lightness.

References
----------
Haralick, R. M. et al. (1973) describe co-occurrence texture; high-frequency energy after removing
structures is the simpler equivalent used here (see docs/analysis.md).
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from core.analysis.frame import area_px, disc
from core.analysis.measures.base import MeasureResult, heat, saturating_level
from core.analysis.measures.context import MIN_PIXELS_U2, MeasureContext
from core.analysis.regions import REGION_NAMES

HALF: Final = 0.6
"""RMS fine-scale Weber contrast (%) that reads as level 50."""
BAND_U: Final = (0.008, 0.016)
STRUCTURE_MARGIN_U: Final = 0.04
"""How far (face units, ~2.5 mm) spots, lines and shine are widened before texture is read."""
ENERGY_SIGMA_U: Final = 0.03
"""Smoothing (face units, ~2 mm) of the texture energy shown on the heat map."""


def robust_rms(values: np.ndarray) -> float:
    """RMS estimated from the median absolute value (x 1.4826), in percent: isolated spots, lines
    or highlights the masks missed cannot dominate it."""
    return 100.0 * 1.4826 * float(np.median(np.abs(values))) if values.size else 0.0


def measure_roughness(ctx: MeasureContext) -> MeasureResult:
    fine, coarse = (s * ctx.iod for s in BAND_U)
    contrast = ctx.contrast
    band = cv2.GaussianBlur(contrast, (0, 0), fine) - cv2.GaussianBlur(contrast, (0, 0), coarse)
    structures = ctx.spots | ctx.line_like | (ctx.specular > 0.2)
    margin = disc(STRUCTURE_MARGIN_U, ctx.iod)
    structures = cv2.dilate(structures.astype(np.uint8), margin).astype(bool)
    where = ctx.skin_inner & ~structures
    energy = (100.0 * band) ** 2
    if not where.any():
        return MeasureResult("roughness", 0.0, 0.0, "%_rms", {}, np.zeros_like(band))
    value = robust_rms(band[where])
    regions = {}
    for name in REGION_NAMES:
        mask = ctx.regions.masks[name] & where
        if np.count_nonzero(mask) > area_px(MIN_PIXELS_U2, ctx.iod):
            regions[name] = saturating_level(robust_rms(band[mask]), HALF)
    local = np.sqrt(cv2.GaussianBlur(energy, (0, 0), ENERGY_SIGMA_U * ctx.iod))
    return MeasureResult(
        "roughness",
        saturating_level(value, HALF),
        value,
        "%_rms",
        regions,
        heat(local, 3 * HALF, ctx.skin),
    )
