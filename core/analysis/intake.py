"""Intake: a path, bytes or an RGB array become one safe, oriented, 8-bit sRGB image.

Bombs are refused from the header, before any pixel is decoded. Large JPEGs are decoded at a reduced
scale (libjpeg's DCT scaling, faster than a full decode) because the engine works at a canonical
face scale anyway: the face needs 64 px between the eyes in the decoded pixels (the detail every
canvas is equalised to). The engine decodes again at full size only when the reduced decode leaves
the face smaller than that.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from core.analysis.errors import AnalysisInputError
from core.analysis.jpeg_header import JpegHeader, read_jpeg_header
from core.analysis.pixels import to_rgb8

log = logging.getLogger(__name__)

Source = str | os.PathLike[str] | bytes | bytearray | memoryview | NDArray[np.generic]

MAX_PIXELS: Final = 100_000_000
MAX_FILE_BYTES: Final = 256 * 1024 * 1024
MIN_SIDE: Final = 64
DECODE_LONG_SIDE: Final = 2000
"""Large JPEGs are decoded at the deepest libjpeg reduction that keeps this long side: 1/2 for a
12-megapixel photo. A deeper first look (1/4, 1/8) costs 33-55 % of a full decode and saves only a
few percent over 1/2, while a face too small at 1/4 (eyes < 256 px apart at full size) would have
to be decoded a second time: one decode at 1/2 serves every face with eyes >= 128 px apart."""
_PIL_FORMATS: Final = ("JPEG", "PNG", "WEBP", "TIFF", "BMP")
_REDUCTION: Final = {
    1: 0,
    2: cv2.IMREAD_REDUCED_GRAYSCALE_2,
    4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
    8: cv2.IMREAD_REDUCED_GRAYSCALE_8,
}
"""OpenCV's decode flag bits for a JPEG scale denominator: its "reduced grayscale" flags are the
reduction bits alone, to which the colour order (``IMREAD_COLOR_RGB``) is added."""


@dataclass(frozen=True)
class DecodedImage:
    """An 8-bit RGB image plus what the rest of the engine needs to know about where it came from."""

    rgb: NDArray[np.uint8]
    format: str
    original_size: tuple[int, int]
    decode_scale: float
    sha256: str

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])


def sniff_format(data: bytes) -> str | None:
    """The image format from the magic bytes, or None when it is not one we decode."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"BM"):
        return "bmp"
    return None


def reduction_factor(width: int, height: int, long_side: int | None) -> int:
    """The largest JPEG scale denominator (1, 2, 4, 8) that keeps ``long_side`` pixels."""
    if not long_side:
        return 1
    longest = max(width, height)
    for factor in (8, 4, 2):
        if longest // factor >= long_side:
            return factor
    return 1


NOT_HASHED: Final = "not hashed"
"""The ``sha256`` to give :func:`load_image` when the caller hashes the bytes itself, elsewhere."""


def load_image(
    source: Source,
    *,
    max_pixels: int = MAX_PIXELS,
    min_side: int = MIN_SIDE,
    decode_long_side: int | None = DECODE_LONG_SIDE,
    sha256: str | None = None,
) -> DecodedImage:
    """Decode ``source`` (a path, encoded bytes, or an RGB/grey/RGBA array) into 8-bit RGB.

    ``sha256`` is the digest of encoded bytes the caller has already hashed (the engine, for its
    cache key): a 12-megapixel file is not hashed twice; :data:`NOT_HASHED` when the caller hashes
    them at the same time on another thread.

    Raises
    ------
    AnalysisInputError
        ``unreadable_image``, ``unsupported_format``, ``too_small`` or ``too_large``; nothing else.
    """
    if isinstance(source, np.ndarray):
        return _from_array(source, max_pixels=max_pixels, min_side=min_side)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        data = _read_file(Path(source))
    else:
        raise AnalysisInputError(
            f"Cannot analyse an object of type {type(source).__name__}; give a path, bytes or an array.",
            code="unsupported_format",
        )
    return _from_bytes(
        data, max_pixels=max_pixels, min_side=min_side, long_side=decode_long_side, digest=sha256
    )


def _read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AnalysisInputError(
                f"{path.name} is {size // 2**20} MB; the limit is {MAX_FILE_BYTES // 2**20} MB.",
                code="too_large",
            )
        return path.read_bytes()
    except AnalysisInputError:
        raise
    except (OSError, ValueError) as exc:
        raise AnalysisInputError(_unreadable(path, exc), code="unreadable_image") from exc


def _unreadable(path: Path, exc: Exception) -> str:
    """Why ``path`` could not be read, in a person's words (not the system's "[Errno 2] ...")."""
    if isinstance(exc, FileNotFoundError):
        return f"There is no file {path}: check the name and the folder."
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a folder, not a photo: name the photo files in it."
    if isinstance(exc, PermissionError):
        return f"SkinLab is not allowed to read {path}: ask for read access to the file."
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"Cannot read {path}: {reason}."


def _check_size(width: int, height: int, *, max_pixels: int, min_side: int) -> None:
    if width * height > max_pixels:
        raise AnalysisInputError(
            f"The image is {width}x{height} pixels; the limit is {max_pixels // 1_000_000} megapixels.",
            code="too_large",
        )
    if min(width, height) < min_side:
        raise AnalysisInputError(
            f"The image is {width}x{height} pixels; it must be at least {min_side} pixels on each side.",
            code="too_small",
        )


def _from_array(array: NDArray[np.generic], *, max_pixels: int, min_side: int) -> DecodedImage:
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 3, 4)):
        raise AnalysisInputError(
            f"An image array must be HxW, HxWx3 or HxWx4; got shape {array.shape}.",
            code="unsupported_format",
        )
    height, width = int(array.shape[0]), int(array.shape[1])
    _check_size(width, height, max_pixels=max_pixels, min_side=min_side)
    rgb = to_rgb8(array)
    digest = hashlib.sha256(f"{rgb.shape}".encode() + rgb.tobytes()).hexdigest()
    return DecodedImage(rgb, "array", (width, height), 1.0, digest)


def _from_bytes(
    data: bytes, *, max_pixels: int, min_side: int, long_side: int | None, digest: str | None
) -> DecodedImage:
    if not data:
        raise AnalysisInputError("The file is empty.", code="unreadable_image")
    fmt = sniff_format(data)
    if fmt is None:
        raise AnalysisInputError(
            "Not a supported image (JPEG, PNG, WebP, TIFF or BMP).", code="unsupported_format"
        )
    digest = digest or hashlib.sha256(data).hexdigest()
    if fmt == "jpeg":
        header = read_jpeg_header(data)
        if header is None:
            raise AnalysisInputError(
                "The JPEG file is damaged or incomplete.", code="unreadable_image"
            )
        _check_size(header.width, header.height, max_pixels=max_pixels, min_side=min_side)
        rgb = _decode_jpeg(data, header, long_side=long_side)
        if rgb is not None:
            return _finish(rgb, fmt, header.width, header.height, digest)
    return _decode_with_pil(
        data, fmt, digest, max_pixels=max_pixels, min_side=min_side, long_side=long_side
    )


def _decode_jpeg(
    data: bytes, header: JpegHeader, *, long_side: int | None
) -> NDArray[np.uint8] | None:
    """Fast path: OpenCV's reduced JPEG decode, which also applies the EXIF orientation, straight
    to RGB: libjpeg writes the channels in that order itself, the same pixels as a BGR decode and
    a conversion, without the conversion's pass and its second 7 MB buffer (3-6 ms at 12 MP)."""
    if header.components != 3:
        return None
    factor = reduction_factor(header.width, header.height, long_side)
    try:
        rgb = cv2.imdecode(np.frombuffer(data, np.uint8), _REDUCTION[factor] | cv2.IMREAD_COLOR_RGB)
    except cv2.error:
        return None
    if rgb is None or rgb.ndim != 3:
        return None
    return np.asarray(rgb, dtype=np.uint8)


def _decode_with_pil(
    data: bytes, fmt: str, digest: str, *, max_pixels: int, min_side: int, long_side: int | None
) -> DecodedImage:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.filterwarnings("error", message=".*[Tt]runcated")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_PIL_FORMATS)
            _check_size(image.width, image.height, max_pixels=max_pixels, min_side=min_side)
            width, height = image.size  # the file's: a draft decode below makes the image smaller
            factor = reduction_factor(image.width, image.height, long_side)
            if image.format == "JPEG" and factor > 1:
                image.draft("RGB", (image.width // factor, image.height // factor))
            image.load()
            turned = image.size
            oriented = ImageOps.exif_transpose(image)
            rgb = to_rgb8(oriented)
    except AnalysisInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError) as exc:
        raise AnalysisInputError(
            f"The image is too large to decode safely: {exc}", code="too_large"
        ) from exc
    except Exception as exc:  # a decoder boundary: any malformed file becomes one typed error
        log.debug("Decoding failed: %r", exc)
        raise AnalysisInputError(
            f"The {fmt.upper()} file is damaged or incomplete.", code="unreadable_image"
        ) from exc
    if oriented.size != turned:
        width, height = height, width
    factor = reduction_factor(rgb.shape[1], rgb.shape[0], long_side)
    if factor > 1:
        rgb = np.asarray(
            cv2.resize(
                rgb, (rgb.shape[1] // factor, rgb.shape[0] // factor), interpolation=cv2.INTER_AREA
            ),
            dtype=np.uint8,
        )
    return _finish(rgb, fmt, width, height, digest)


def _finish(rgb: NDArray[np.uint8], fmt: str, width: int, height: int, digest: str) -> DecodedImage:
    """Record the oriented original size and the scale the pixels were decoded at."""
    if (rgb.shape[1] > rgb.shape[0]) != (width > height) and width != height:
        width, height = height, width
    scale = rgb.shape[1] / width
    if min(rgb.shape[:2]) < 1:
        raise AnalysisInputError("The image has no pixels.", code="too_small")
    return DecodedImage(np.ascontiguousarray(rgb), fmt, (width, height), scale, digest)
