"""One imported file, analysed in a worker process: a path in, plain picklable data out.

Nothing of the signed-in session crosses into the worker: no database, no image store, no data key,
no token, no cache (its keys are derived from the data key), no Qt. The worker reads the file,
analyses it with ``core.analysis.analyze``, and returns the result with the bytes to store; the UI
process checks permissions and saves (``app.desktop.importing.saving``).

What is stored is what was analysed, upright and without the camera's metadata (GPS, owner):
a JPEG with no orientation tag keeps its pixels (the metadata segments are dropped, losslessly); a
turned JPEG, a WEBP, TIFF or BMP is stored as an upright JPEG. A portrait shot sideways and saved
without an orientation tag is turned upright by the engine (``face.turned_degrees``); the worker
stores the same upright copy (turned with the engine's own ``rotated``, so the face boxes fit it) and
the file's line says it was turned.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from core.analysis import AnalysisInputError, analyze
from core.analysis.finding import rotated
from core.analysis.intake import MAX_FILE_BYTES, load_image
from core.imaging import encode_jpeg, media_type_of, thumbnail_jpeg

_KEEP_SEGMENTS = frozenset({0xE0, 0xE2, 0xEE})  # JFIF, ICC profile, Adobe colour transform
ORIENTATION_TAG: Final = 0x0112


@dataclass(frozen=True)
class Analysed:
    path: str
    result: dict[str, Any]
    image: bytes
    media_type: str
    thumbnail: bytes
    size: tuple[int, int]
    turned: int = 0
    """Degrees anticlockwise the engine turned the photo to find the face upright."""
    warnings: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Failed:
    path: str
    code: str
    message: str


Outcome = Analysed | Failed


ONE_CORE = 1
"""Each worker process uses one core (OpenCV's threads and the engine's): the pool itself spreads
the files over the cores."""


def set_up_worker() -> None:
    """Each worker process uses one core (:data:`ONE_CORE`)."""
    cv2.setNumThreads(ONE_CORE)


def _strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without its APP1..APP15 segments (EXIF, XMP, IPTC: GPS, camera, owner), pixels
    untouched. Returns ``data`` unchanged when its structure is not the usual one."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return data
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[pos:]
            return bytes(out)
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            return data
        if not (0xE1 <= marker <= 0xEF) or marker in _KEEP_SEGMENTS:
            out += data[pos : pos + 2 + length]
        pos += 2 + length
    return data


def _orientation(data: bytes) -> int:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(image.getexif().get(ORIENTATION_TAG, 1) or 1)
    except Exception:  # a header Pillow cannot read: the engine already decoded the pixels
        return 1


def _upright(data: bytes, turned: int = 0) -> NDArray[np.uint8]:
    """The full-size upright RGB pixels, through the engine's own safe decoder (EXIF, bombs), turned
    as the engine turned them to find the face."""
    image = load_image(data, decode_long_side=None)
    return rotated(image, turned // 90).rgb if turned else image.rgb


def _warnings(result: dict[str, Any]) -> tuple[str, ...]:
    quality = result.get("quality") or {}
    if quality.get("ok", True):
        return ()
    return tuple(str(m) for m in quality.get("messages", []) if m)


def _analysed(
    path: str, result: dict[str, Any], stored: bytes, rgb: NDArray[np.uint8] | None, turned: int
) -> Analysed:
    size: dict[str, int] = result.get("image_size") or {}
    if rgb is None:
        rgb = load_image(stored).rgb  # a reduced decode is enough for the thumbnail
    return Analysed(
        path=path,
        result=result,
        image=stored,
        media_type=media_type_of(stored),
        thumbnail=thumbnail_jpeg(rgb),
        size=(int(size.get("width") or rgb.shape[1]), int(size.get("height") or rgb.shape[0])),
        turned=turned,
        warnings=_warnings(result),
    )


def analyse_file(path: str) -> Outcome:
    """Analyse one file; every failure comes back as :class:`Failed` with the engine's code."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            return Failed(path, "too_large", "The file is larger than SkinLab analyses (256 MB).")
        data = Path(path).read_bytes()
    except OSError as exc:
        return Failed(path, "unreadable_file", f"The file cannot be read ({exc.strerror or exc}).")
    if not data:
        return Failed(path, "unreadable_image", "The file is empty (0 bytes).")
    try:
        result = analyze(data, threads=ONE_CORE).to_json()
    except AnalysisInputError as exc:
        return Failed(path, exc.code, exc.message)
    turned = int((result.get("face") or {}).get("turned_degrees") or 0) % 360
    kind = media_type_of(data)
    if not turned and (kind == "image/png" or (kind == "image/jpeg" and _orientation(data) == 1)):
        stored = _strip_jpeg_metadata(data) if kind == "image/jpeg" else data
        return _analysed(path, result, stored, None, 0)
    rgb = _upright(data, turned)
    return _analysed(path, result, encode_jpeg(rgb, quality=95), rgb, turned)
