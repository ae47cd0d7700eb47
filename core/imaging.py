"""Small image conversions shared by storage, the kiosk, the report and the CLI: JPEG and PNG
encoding and decoding, thumbnails and media types."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from core.errors import ValidationError

THUMBNAIL_EDGE = 256

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"RIFF", "image/webp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
)


def media_type_of(data: bytes) -> str:
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    return "application/octet-stream"


def encode_jpeg(rgb: NDArray[np.uint8], *, quality: int = 92) -> bytes:
    ok, buffer = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValidationError("The image could not be encoded as JPEG")
    return bytes(buffer)


def encode_png(rgb: NDArray[np.uint8]) -> bytes:
    """An RGB (or RGBA) array as PNG bytes: the one PNG writer of heat maps and overlay sheets."""
    if rgb.ndim != 3 or rgb.shape[2] not in (3, 4) or rgb.size == 0:
        raise ValidationError("An image to encode as PNG must be a non-empty RGB or RGBA image")
    code = cv2.COLOR_RGB2BGR if rgb.shape[2] == 3 else cv2.COLOR_RGBA2BGRA
    ok, buffer = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), code))
    if not ok:
        raise ValidationError("The image could not be encoded as PNG")
    return bytes(buffer)


def decode_stored(data: bytes, *, upright: bool = False) -> NDArray[np.uint8] | None:
    """Stored image bytes (photos, thumbnails, heat maps) as an RGB or RGBA array, or None when
    they do not decode. Pixels as written, alpha kept; ``upright`` turns an imported photo by its
    EXIF orientation as the engine does (RGB only). For screens and reports, so that no thread
    but the UI's asks Qt's image plugins."""
    if not data:
        return None
    flags = cv2.IMREAD_COLOR if upright else cv2.IMREAD_UNCHANGED
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if image is None or image.dtype != np.uint8 or image.size == 0:
        return None
    if image.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_GRAY2RGB))
    code = cv2.COLOR_BGR2RGB if image.shape[2] == 3 else cv2.COLOR_BGRA2RGBA
    return np.ascontiguousarray(cv2.cvtColor(image, code))


def thumbnail_jpeg(rgb: NDArray[np.uint8], *, edge: int = THUMBNAIL_EDGE) -> bytes:
    """A JPEG whose longer side is ``edge`` pixels (never enlarged)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, edge / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if scale < 1.0 else rgb
    return encode_jpeg(np.ascontiguousarray(small, dtype=np.uint8), quality=85)
