"""Which files an import takes and when each photo was taken.

A dropped folder is walked (hidden files skipped); a file that is not a photo by its name is listed
as failed at once, without sending it to the engine. The visit date is the camera's EXIF
``DateTimeOriginal`` (with its offset when the camera wrote one) when the file has it, else the
file's modification time; the person can change it before the import starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Final, Literal

from PIL import Image, UnidentifiedImageError

PHOTO_SUFFIXES: Final = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"})
MAX_FILES: Final = 5000
EXIF_IFD: Final = 0x8769
DATE_TIME_ORIGINAL: Final = 36867
OFFSET_TIME_ORIGINAL: Final = 36881
DATE_TIME: Final = 306

DateSource = Literal["exif", "file"]


@dataclass(frozen=True)
class FoundFile:
    path: Path
    taken: datetime | None
    """When the photo was taken (aware), or None for a file that is not a photo."""
    source: DateSource = "file"
    problem: str = ""
    """Why the file is not imported (empty for a photo)."""


def not_a_photo(path: Path) -> str:
    kind = path.suffix.lower() or "no extension"
    return f"Not a photo ({kind}): SkinLab imports JPEG, PNG, WEBP, TIFF and BMP files."


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


def expand(paths: Iterable[Path], *, limit: int = MAX_FILES) -> list[Path]:
    """Files named and the files inside folders named, in a stable order, at most ``limit``."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        for item in _walk(path) if path.is_dir() else [path]:
            key = item.absolute()
            if key not in seen:
                seen.add(key)
                found.append(item)
            if len(found) >= limit:
                return found
    return found


def _parse_exif_time(value: object, offset: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.strptime(value.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str) and len(offset.strip()) >= 6:
        try:
            sign = -1 if offset.strip()[0] == "-" else 1
            hours, minutes = (int(v) for v in offset.strip()[1:6].split(":"))
            zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
            return when.replace(tzinfo=zone)
        except ValueError:
            pass
    return when.astimezone()  # a camera without an offset wrote the local time


def exif_taken(path: Path) -> datetime | None:
    """``DateTimeOriginal`` (else ``DateTime``) from the file's EXIF, or None. Reads the header only."""
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            inner = exif.get_ifd(EXIF_IFD)
            return _parse_exif_time(
                inner.get(DATE_TIME_ORIGINAL), inner.get(OFFSET_TIME_ORIGINAL)
            ) or _parse_exif_time(exif.get(DATE_TIME), None)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def file_time(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return datetime.now().astimezone()


def describe(path: Path) -> FoundFile:
    if path.suffix.lower() not in PHOTO_SUFFIXES:
        return FoundFile(path, None, problem=not_a_photo(path))
    taken = exif_taken(path)
    if taken is not None:
        return FoundFile(path, taken, "exif")
    return FoundFile(path, file_time(path), "file")


def scan(paths: Iterable[Path], *, limit: int = MAX_FILES) -> list[FoundFile]:
    """Every file the import would take, with its visit date or why it is not a photo (disk work:
    run it off the UI thread)."""
    return [describe(p) for p in expand(paths, limit=limit)]
