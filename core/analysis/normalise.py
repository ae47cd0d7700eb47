"""Normalise: level the eyes, scale to a canonical interocular distance, white-balance, CIELAB.

Every measure then works on the same canvas whatever the camera: ``CANON_IOD`` px between the eyes
for the colour and line measures, ``DETAIL_IOD`` on the cheeks and nose for pores. A
resolution-equalising blur makes a sharp photo of a large face and one of a smaller face carry the
same level of detail. Every size the measures use is in face units, so these two numbers are the
canvases' one setting.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, NamedTuple

import cv2
import numpy as np
from numpy.typing import NDArray

from core.analysis.face_model import Face
from core.analysis.frame import FaceFrame, face_frame, warp_to_frame
from core.analysis.pixels import channel_max, channel_min, pixels_at

CANON_IOD: Final = 128.0
DETAIL_IOD: Final = 256.0
CANON_BOX: Final = (-1.25, -1.2, 2.5, 3.5)
"""left, top, width, height of the canonical canvas in face units."""
DETAIL_BOX: Final = (-1.0, 0.0, 2.0, 1.4)
REFERENCE_IOD: Final = 64.0
"""Native interocular distance whose detail every canonical canvas is equalised to."""
DETAIL_REFERENCE_IOD: Final = 64.0
WB_STRENGTH: Final = 0.5
WB_MAX_GAIN: Final = 0.10


@dataclass(frozen=True)
class Canvas:
    """A face resampled onto a :class:`FaceFrame`, white-balanced, with CIELAB (D65) channels."""

    frame: FaceFrame
    rgb: NDArray[np.uint8]
    lab: NDArray[np.float32]
    inside: NDArray[np.bool_]

    @property
    def lightness(self) -> NDArray[np.float32]:
        return self.lab[:, :, 0]


@dataclass(frozen=True)
class NormalisedFace:
    face: Face
    canon: Canvas
    detail: Canvas
    native_iod: float
    nose_u: tuple[float, float]
    wb_gains: tuple[float, float, float]
    cast: float
    """Strength of the estimated colour cast before correction (max abs log gain)."""
    warmth: float | None
    """How much redder than blue the light around the face is (log ratio in linear light; None
    when too little of the photo lies around the face to tell). See :class:`Light`."""


class Light(NamedTuple):
    """The light as the brightest unclipped pixels around the face show it."""

    gains: tuple[float, float, float]
    """The gentle per-channel correction the canvases apply (see ``WB_STRENGTH``)."""
    cast: float
    """Strength of the cast before correction: max abs log gain."""
    warmth: float | None
    """log(red / blue) of the light beyond neutral, in linear light: about 1.1 for a tungsten
    lamp the camera did not correct; None when too little of the photo lies around the face."""


def _srgb_to_linear_lut() -> NDArray[np.float32]:
    v = np.arange(256, dtype=np.float64) / 255.0
    lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return lin.astype(np.float32)


_LINEAR: Final = _srgb_to_linear_lut()


def linear_light(pixels: NDArray[np.uint8]) -> NDArray[np.float32]:
    """8-bit sRGB values in linear light (0-1)."""
    return np.asarray(_LINEAR[pixels], dtype=np.float32)


def _encode(linear: NDArray[np.float32]) -> NDArray[np.float32]:
    lin = np.clip(linear, 0.0, 1.0)
    return np.where(lin <= 0.0031308, lin * 12.92, 1.055 * np.power(lin, 1 / 2.4) - 0.055).astype(
        np.float32
    )


def estimate_white_balance(rgb: NDArray[np.uint8], face: Face) -> Light:
    """Channel gains from the brightest unclipped pixels around (not on) the face, the cast and
    its warmth.

    The camera has already white-balanced most photos, and the background may be coloured, so
    only ``WB_STRENGTH`` of the estimated correction is applied, capped at ``WB_MAX_GAIN``.

    References
    ----------
    Finlayson, G. D. & Trezzi, E. (2004). Shades of gray and colour constancy. CIC.
    """
    factor = min(1.0, 256.0 / max(rgb.shape[:2]))
    small = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST)
    left, top, right, bottom = (v * factor for v in face.box)
    pad_x, pad_y = (right - left) * 0.3, (bottom - top) * 0.5
    keep = np.ones(small.shape[:2], bool)
    keep[
        max(0, int(top - pad_y)) : int(bottom + pad_y),
        max(0, int(left - pad_x)) : int(right + pad_x),
    ] = False
    pixels = pixels_at(small, keep)
    pixels = pixels_at(pixels, (channel_max(pixels) < 245) & (channel_min(pixels) > 10))
    if len(pixels) < 50:
        return Light((1.0, 1.0, 1.0), 0.0, None)
    linear = _LINEAR[pixels]
    luma = linear @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    bright = pixels_at(linear, luma >= np.percentile(luma, 90))
    mean = np.maximum(bright.mean(axis=0), 1e-4)
    full = np.log(mean.mean() / mean)
    cast = float(np.abs(full).max())
    applied = np.clip(full * WB_STRENGTH, -WB_MAX_GAIN, WB_MAX_GAIN)
    gains = np.exp(applied - applied.mean())
    warmth = float(full[2] - full[0])
    return Light((float(gains[0]), float(gains[1]), float(gains[2])), cast, warmth)


_SRGB_TO_XYZ: Final = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE_D65: Final = np.array([0.95047, 1.0, 1.08883])
_XYZ_ROWS: Final = (_SRGB_TO_XYZ / _WHITE_D65[:, None]).astype(np.float32)
"""Linear sRGB to XYZ divided by the white point, one output per row (``cv2.transform``: a
3x3 product per pixel, about 15 times faster than numpy's matmul over 150,000 rows of 3)."""


def linear_to_lab(linear: NDArray[np.float32]) -> NDArray[np.float32]:
    """Exact CIE 1976 L*a*b* (D65 white) of linear-light sRGB.

    Written out because OpenCV's float conversion is off by ~0.1 and its 8-bit one by more, which
    matters for ITA at the 0.5 degree level (only the 3x3 product is OpenCV's).
    """
    pixels = np.ascontiguousarray(linear, dtype=np.float32).reshape(-1, 1, 3)
    xyz = cv2.transform(pixels, _XYZ_ROWS).reshape(linear.shape)
    eps, kappa = 216.0 / 24389.0, 24389.0 / 27.0
    f = np.cbrt(xyz)
    low = ~(xyz > eps)
    f[low] = (kappa * xyz[low] + 16.0) / 116.0
    lab = np.empty_like(f)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return np.asarray(lab, dtype=np.float32)


def _lookup(rgb: NDArray[np.uint8], tables: list[NDArray[np.generic]]) -> NDArray[Any]:
    """``tables[c][rgb[..., c]]`` for the three channels in one pass (``cv2.LUT``: the same
    values as numpy's indexing, about ten times faster on a canvas)."""
    lut = np.stack(tables, axis=1).reshape(1, 256, 3)
    return np.asarray(cv2.LUT(np.ascontiguousarray(rgb), lut))


def apply_gains(rgb: NDArray[np.uint8], gains: tuple[float, float, float]) -> NDArray[np.uint8]:
    """White balance of 8-bit sRGB through per-channel lookup tables (gains act in linear light)."""
    tables = [np.clip(_encode(_LINEAR * g) * 255.0 + 0.5, 0, 255).astype(np.uint8) for g in gains]
    return np.asarray(_lookup(rgb, tables), dtype=np.uint8)


def to_lab(
    rgb: NDArray[np.uint8], gains: tuple[float, float, float]
) -> tuple[NDArray[np.uint8], NDArray[np.float32]]:
    """White-balance in linear light; return the corrected 8-bit sRGB and its CIELAB (L* 0-100)."""
    tables = [np.minimum(_LINEAR * np.float32(g), np.float32(1.0)) for g in gains]
    linear = np.asarray(_lookup(rgb, tables), dtype=np.float32)
    return apply_gains(rgb, gains), linear_to_lab(linear)


def equalising_sigma(frame: FaceFrame, reference_iod: float) -> float:
    """Extra Gaussian blur (canvas px) that brings any sharper source to the reference's detail."""
    target = 0.5 * frame.iod / reference_iod
    current = 0.5 * max(1.0, frame.scale)
    return math.sqrt(max(0.0, target**2 - current**2))


def make_canvas(
    rgb: NDArray[np.uint8],
    face: Face,
    gains: tuple[float, float, float],
    *,
    iod: float,
    box: tuple[float, float, float, float],
    reference_iod: float,
    with_lab: bool = True,
) -> Canvas:
    """The face on a canvas of ``iod`` px between the eyes; ``with_lab=False`` skips CIELAB for a
    canvas only read in one RGB channel (the detail canvas), leaving ``lab`` empty."""
    left, top, width, height = box
    frame = face_frame(face, iod=iod, left_u=left, top_u=top, width_u=width, height_u=height)
    pixels, inside = warp_to_frame(rgb, frame)
    sigma = equalising_sigma(frame, reference_iod)
    if sigma > 0.25:
        pixels = np.asarray(cv2.GaussianBlur(pixels, (0, 0), sigma), dtype=np.uint8)
    if with_lab:
        corrected, lab = to_lab(pixels, gains)
    else:
        corrected, lab = apply_gains(pixels, gains), np.zeros((0, 0, 3), np.float32)
    return Canvas(frame, corrected, lab, inside)


def normalise(
    rgb: NDArray[np.uint8],
    face: Face,
    *,
    canon_iod: float | None = None,
    detail_iod: float | None = None,
) -> NormalisedFace:
    """Both canonical canvases of ``face`` in the decoded image ``rgb``, at ``CANON_IOD`` and
    ``DETAIL_IOD`` px between the eyes unless told otherwise (to compare canvas resolutions)."""
    balance = estimate_white_balance(rgb, face)
    canon, detail = (
        make(rgb, face, balance.gains)
        for make in canvas_makers(canon_iod=canon_iod, detail_iod=detail_iod)
    )
    return normalised(face, balance, canon, detail)


CanvasMaker = Callable[[NDArray[np.uint8], Face, tuple[float, float, float]], Canvas]


def canvas_makers(
    *, canon_iod: float | None = None, detail_iod: float | None = None
) -> tuple[CanvasMaker, CanvasMaker]:
    """The makers of the canonical and the detail canvas, independent of each other once the
    white balance is known (the engine runs them at the same time)."""
    return (
        partial(
            make_canvas,
            iod=canon_iod or CANON_IOD,
            box=CANON_BOX,
            reference_iod=REFERENCE_IOD,
        ),
        partial(
            make_canvas,
            iod=detail_iod or DETAIL_IOD,
            box=DETAIL_BOX,
            reference_iod=DETAIL_REFERENCE_IOD,
            with_lab=False,
        ),
    )


def normalised(face: Face, light: Light, canon: Canvas, detail: Canvas) -> NormalisedFace:
    """The normalised face from its two canvases and the light whose gains they used."""
    nose_u = canon.frame.to_units(face.nose)
    return NormalisedFace(
        face, canon, detail, face.iod, nose_u, light.gains, light.cast, light.warmth
    )
