"""Pixel-format conversion to 8-bit RGB, shared by file and array intake."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

_BACKDROP: Final = 128.0
"""Alpha is flattened over mid-grey: neutral for white balance and for the face detector."""


def channel_min(rgb: NDArray[Any]) -> NDArray[Any]:
    """The smallest of the last axis's three channels (R, G, B) of each pixel; the same as
    ``rgb.min(axis=-1)``, several times faster than numpy's strided reduction over 3 values."""
    return np.asarray(np.minimum(np.minimum(rgb[..., 0], rgb[..., 1]), rgb[..., 2]))


def channel_max(rgb: NDArray[Any]) -> NDArray[Any]:
    """The largest of each pixel's three channels (see :func:`channel_min`)."""
    return np.asarray(np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2]))


def pixels_at(image: NDArray[Any], mask: NDArray[np.bool_]) -> NDArray[Any]:
    """``image[mask]`` for an H x W x C image and an H x W mask (or N x C rows and N flags): the
    same rows in the same order, about 3x faster than numpy's boolean indexing over channels."""
    return np.take(image.reshape(-1, image.shape[-1]), np.flatnonzero(mask), axis=0)


def hypot32(x: NDArray[Any], y: NDArray[Any]) -> NDArray[np.float32]:
    """``np.hypot`` of two finite float32 arrays, bit for bit (glibc's ``hypotf`` rounds the
    square root of ``x² + y²`` taken in double precision, as this does), about 1.5x faster than
    numpy's per-element call of it. Unlike ``hypot``, an infinity beside a NaN gives NaN."""
    wide = x.astype(np.float64)
    wide *= wide
    other = y.astype(np.float64)
    other *= other
    wide += other
    np.sqrt(wide, out=wide)
    return wide.astype(np.float32)


def to_rgb8(image: Image.Image | NDArray[np.generic]) -> NDArray[np.uint8]:
    """Any PIL image or array (grey, RGB, RGBA; 8/16-bit, float, bool) as contiguous HxWx3 uint8."""
    array = _pil_to_array(image) if isinstance(image, Image.Image) else np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.dtype == np.uint8 and (array.ndim == 2 or array.shape[2] == 3):
        # already 8-bit without alpha: the same values, without float copies of the whole photo
        # (an 8000 x 8000 PNG took 3.7 GB through them)
        rgb = array if array.ndim == 3 else np.repeat(array[:, :, None], 3, axis=2)
        return np.ascontiguousarray(rgb)
    alpha: NDArray[np.float32] | None = None
    if array.ndim == 3 and array.shape[2] == 4:
        alpha = _scale_to_unit(array[:, :, 3])
        array = array[:, :, :3]
    unit = _scale_to_unit(array)
    if unit.ndim == 2:
        unit = np.repeat(unit[:, :, None], 3, axis=2)
    values = unit * 255.0
    if alpha is not None:
        values = values * alpha[:, :, None] + _BACKDROP * (1.0 - alpha[:, :, None])
    return np.ascontiguousarray(np.clip(values + 0.5, 0, 255).astype(np.uint8))


def _pil_to_array(image: Image.Image) -> NDArray[np.generic]:
    mode = image.mode
    if mode in ("RGB", "L", "RGBA"):
        return np.asarray(image)
    if mode.startswith("I;16") or mode == "I":
        return np.clip(np.asarray(image, dtype=np.int64), 0, 65535).astype(np.uint16)
    if mode == "F":
        return np.asarray(image)
    if mode == "1":
        return np.asarray(image.convert("L"))
    if mode in ("LA", "La", "PA", "RGBa") or (mode == "P" and "transparency" in image.info):
        return np.asarray(image.convert("RGBA"))
    return np.asarray(image.convert("RGB"))


def _scale_to_unit(array: NDArray[np.generic]) -> NDArray[np.float32]:
    """Map an integer or float channel array to [0, 1] by its dtype's range."""
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if np.issubdtype(array.dtype, np.integer):
        wide = array.astype(np.float64)
        top = 65535.0 if array.dtype == np.uint16 or wide.max(initial=0) > 255 else 255.0
        return np.clip(wide / top, 0.0, 1.0).astype(np.float32)
    values = np.nan_to_num(array.astype(np.float64), nan=0.0, posinf=1.0, neginf=0.0)
    top = 1.0 if values.max(initial=0.0) <= 1.0 else 255.0
    return np.clip(values / top, 0.0, 1.0).astype(np.float32)
