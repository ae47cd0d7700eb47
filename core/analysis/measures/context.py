"""Intermediate images shared by several measures, computed once per analysis on first use."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.analysis.frame import SET_AT_IOD, area_px, disc
from core.analysis.measures.base import Image, Mask
from core.analysis.measures.lines import (
    WRINKLE_REGIONS,
    face_ridges,
    line_like_mask,
    line_mask,
)
from core.analysis.measures.spots import spot_mask
from core.analysis.normalise import NormalisedFace
from core.analysis.once import computed_once
from core.analysis.pixels import channel_min, hypot32
from core.analysis.regions import REGION_NAMES, Regions

BACKGROUND_SIGMA_U = 0.12
"""Scale (face units, ~7.5 mm) of the hole-filling background used outside the skin mask."""
REFERENCE_L = 65.0
MEDIAN_WINDOW_U = 0.2
"""Window (face units, ~12 mm) of the median background: spots, lines and highlights narrower than
half of it do not move it, so each finding is measured against untouched skin around it."""
MEDIAN_SMOOTH_U = 0.015
"""The median background's final smoothing (~1 mm), which hides its 8-bit steps."""
INNER_U = 2 / SET_AT_IOD
"""How far (face units, ~1 mm) :attr:`MeasureContext.skin_inner` keeps from the mask's border."""
NEAR_NON_SKIN_U = 0.025
"""Width (face units, ~1.6 mm) of the band along what is not skin."""
LIGHTNESS_SIGMA_U = 0.6 / SET_AT_IOD
"""Smoothing of L* (face units, ~0.3 mm: within the equalised detail) against pixel noise."""
COLOUR_SIGMA_U = 1.0 / SET_AT_IOD
"""Smoothing of a* and chroma (face units, ~0.5 mm): JPEG keeps colour at half resolution."""
SHINE_SIGMA_U = (0.015, 0.02)
"""Smoothing (face units) of the brightness and of the chroma a highlight is judged by."""
MIN_PIXELS_U2 = 20 / SET_AT_IOD**2
"""The least skin (square face units, ~5 mm²) a region's statistic is taken over."""


def _smooth(image: Image, sigma: float) -> Image:
    """Gaussian blur; wide ones run at a quarter of the pixels (the result is smooth anyway).

    The 6 px limit is in pixels on purpose: it is where halving the image stops changing the
    blurred result, which depends on the blur's width in pixels, not on the face."""
    if sigma < 6.0:
        return np.asarray(cv2.GaussianBlur(image, (0, 0), sigma), dtype=np.float32)
    h, w = image.shape[:2]
    half = cv2.resize(image, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(half, (0, 0), sigma / 2)
    return np.asarray(cv2.resize(blurred, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


def masked_blur(image: Image, mask: Mask, sigma: float, *, den: Image | None = None) -> Image:
    """Gaussian mean of ``image`` over ``mask`` only (normalised convolution), so that eyes, hair
    and background do not leak into the local skin background. ``den`` is the mask's own blur
    (``_smooth`` of it as float32 at ``sigma``) when a caller already has it."""
    weight = mask.astype(np.float32)
    num = _smooth(image * weight, sigma)
    if den is None:
        den = _smooth(weight, sigma)
    empty = ~(den > 1e-3)
    num /= np.maximum(den, 1e-3)
    if empty.any():
        num[empty] = float(image[mask].mean()) if mask.any() else 0.0
    return num


def mask_blur(mask: Mask, sigma: float) -> Image:
    """The ``den`` of :func:`masked_blur` for ``mask`` at ``sigma``, to share between calls."""
    return _smooth(mask.astype(np.float32), sigma)


def median_background(
    image: Image,
    mask: Mask,
    iod: float,
    *,
    scale: float,
    offset: float,
    den: Image | None = None,
) -> Image:
    """A local background robust to spots and highlights: the median over a ~12 mm window.

    Pixels outside ``mask`` are first filled with the skin's smooth surroundings, so hair, eyes
    and background never enter the median. It runs at half resolution: the result is smooth. ``scale``/``offset`` map values to 8 bits for OpenCV's
    constant-time median filter. ``den``: :func:`mask_blur` of ``mask`` at the filling's width,
    when the caller shares it between backgrounds of the same mask.
    """
    filled = masked_blur(image, mask, BACKGROUND_SIGMA_U * iod, den=den)
    np.copyto(filled, image, where=mask)
    filled -= offset
    filled *= scale
    filled += 0.5
    coded = np.clip(filled, 0, 255, out=filled).astype(np.uint8)
    h, w = coded.shape
    half = cv2.resize(coded, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA)
    window = max(3, round(MEDIAN_WINDOW_U * iod / 2) | 1)
    median = cv2.medianBlur(half, window).astype(np.float32) / scale + offset
    smooth = cv2.GaussianBlur(median, (0, 0), MEDIAN_SMOOTH_U * iod)
    return np.asarray(cv2.resize(smooth, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


def erode(mask: Mask, radius_u: float, iod: float) -> Mask:
    """``mask`` shrunk by ``radius_u`` face units on a canvas of ``iod`` px between the eyes."""
    return cv2.erode(mask.astype(np.uint8), disc(radius_u, iod)).astype(bool)


def enough(mask: Mask, iod: float, least_u2: float = MIN_PIXELS_U2) -> bool:
    """Whether ``mask`` covers at least ``least_u2`` square face units."""
    return int(np.count_nonzero(mask)) >= area_px(least_u2, iod)


@dataclass
class MeasureContext:
    face: NormalisedFace
    regions: Regions

    @property
    def iod(self) -> float:
        return self.face.canon.frame.iod

    @computed_once
    def skin(self) -> Mask:
        return self.regions.union(REGION_NAMES)

    @computed_once
    def skin_inner(self) -> Mask:
        """Skin away from mask borders, where filters are not disturbed by hair or eye edges."""
        return erode(self.skin, INNER_U, self.iod)

    @computed_once
    def near_non_skin(self) -> Mask:
        """A band along hair, brows, eyes, folds in shadow and background (outside the skin mask)."""
        outside = (~self.regions.skin).astype(np.uint8)
        return cv2.dilate(outside, disc(NEAR_NON_SKIN_U, self.iod)).astype(bool)

    @computed_once
    def lightness(self) -> Image:
        return np.asarray(
            cv2.GaussianBlur(self.face.canon.lab[:, :, 0], (0, 0), LIGHTNESS_SIGMA_U * self.iod),
            dtype=np.float32,
        )

    @computed_once
    def exposure_scale(self) -> float:
        """``(65 + 16) / (L*_face + 16)``: a* scales with the cube root of exposure, as L* + 16 does,
        so a* times this factor reads the same at any exposure (a* "at a reference L* of 65")."""
        lightness = self.face.canon.lab[:, :, 0]
        median = float(np.median(lightness[self.skin])) if self.skin.any() else 65.0
        return (REFERENCE_L + 16.0) / max(median + 16.0, 1.0)

    @computed_once
    def a_star(self) -> Image:
        """a*, smoothed, at the reference exposure (see :attr:`exposure_scale`)."""
        a = cv2.GaussianBlur(self.face.canon.lab[:, :, 1], (0, 0), COLOUR_SIGMA_U * self.iod)
        return (a * np.float32(self.exposure_scale)).astype(np.float32)

    @computed_once
    def chroma(self) -> Image:
        lab = self.face.canon.lab
        chroma = hypot32(lab[:, :, 1], lab[:, :, 2])
        return np.asarray(
            cv2.GaussianBlur(chroma, (0, 0), COLOUR_SIGMA_U * self.iod), dtype=np.float32
        )

    @computed_once
    def background(self) -> Image:
        return median_background(
            self.lightness,
            self.regions.skin,
            self.iod,
            scale=2.55,
            offset=0.0,
            den=self.skin_weight_blur,
        )

    @computed_once
    def contrast(self) -> Image:
        """Weber contrast of L* + 16 against the local skin background (fraction; dark is negative).

        L* + 16 is proportional to the cube root of luminance, so this ratio is exactly the same at
        any exposure: a brighter or darker photo of the same face gives the same contrasts.
        """
        ratio = (self.lightness + 16.0) / np.maximum(self.background + 16.0, 1.0)
        return np.asarray(ratio - 1.0, dtype=np.float32)

    @computed_once
    def a_background(self) -> Image:
        return median_background(
            self.a_star,
            self.regions.skin,
            self.iod,
            scale=4.0,
            offset=-20.0,
            den=self.skin_weight_blur,
        )

    @computed_once
    def skin_weight_blur(self) -> Image:
        """The skin mask's blur both median backgrounds fill the non-skin with (computed once)."""
        return mask_blur(self.regions.skin, BACKGROUND_SIGMA_U * self.iod)

    @computed_once
    def specular(self) -> Image:
        """Soft specular weight in [0, 1]: brighter than the surroundings and less saturated than
        this person's typical skin (a highlight takes the light's colour, not the skin's)."""
        smooth = cv2.GaussianBlur(self.contrast, (0, 0), SHINE_SIGMA_U[0] * self.iod)
        bright = np.clip((smooth - 0.03) / 0.09, 0.0, 1.0)
        chroma = cv2.GaussianBlur(self.chroma, (0, 0), SHINE_SIGMA_U[1] * self.iod)
        skin_chroma = float(np.median(chroma[self.skin])) if self.skin.any() else 1.0
        desaturated = np.clip((1.05 - chroma / max(skin_chroma, 1.0)) / 0.3, 0.0, 1.0)
        clipped = (channel_min(self.face.canon.rgb) >= 245).astype(np.float32)
        weight = np.maximum(bright * desaturated, clipped)
        return np.where(self.skin, weight, 0.0).astype(np.float32)

    @computed_once
    def spots(self) -> Mask:
        return spot_mask(
            contrast=self.contrast,
            lightness=self.lightness,
            background=self.background,
            a_star=self.a_star,
            a_background=self.a_background,
            skin_inner=self.skin_inner,
            lines=self.lines,
            near_non_skin=self.near_non_skin,
            mm_per_px=10.0 / self.face.canon.frame.px_per_cm,
        )

    @computed_once
    def ridges(self) -> Image:
        return face_ridges(self.contrast, self.iod)

    @computed_once
    def line_like(self) -> Mask:
        """Every dark valley the ridge filter traces, counted as a wrinkle or not (too short, too
        faint): texture and pore measures leave these out."""
        return line_like_mask(lines=self.lines, ridges=self.ridges, contrast=self.contrast)

    @computed_once
    def plain_skin(self) -> Mask:
        """Neither spot, nor line, nor shine: where skin colour is read (dark circles)."""
        return ~self.spots & ~self.lines & (self.specular < 0.2)

    @computed_once
    def lines(self) -> Mask:
        return line_mask(
            ridges=self.ridges,
            contrast=self.contrast,
            where=self.regions.union(WRINKLE_REGIONS) & self.skin_inner,
            iod=self.iod,
        )

    def region_mean(self, values: Image, name: str) -> float:
        mask = self.regions.masks[name]
        return float(values[mask].mean()) if mask.any() else 0.0
