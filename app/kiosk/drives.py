"""Removable drives (USB sticks, memory cards): the only places a kiosk writes a report to or reads
a photo from. Nothing else of the file system is offered, and a path from the screens is checked
again here, so a stale or forged path outside a stick is refused with a typed error.
"""

from __future__ import annotations

import ctypes
import os
import platform
import string
from dataclasses import dataclass
from pathlib import Path

from core.errors import PermissionDeniedError

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
MAX_DEPTH = 3
"""DCIM/100CANON/IMG_0001.JPG is two folders down; a little more covers phones' layouts."""
MAX_PHOTOS = 60
"""The newest photos shown; a stick with a whole photo library is not browsed through."""
DRIVE_REMOVABLE = 2
"""``GetDriveTypeW``'s answer for a USB stick or a memory card (Windows)."""


class NotOnRemovableDriveError(PermissionDeniedError):
    code = "not_on_removable_drive"


@dataclass(frozen=True)
class PhotoFile:
    drive: str
    path: Path
    size: int
    modified: float


def _windows_drives() -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    for letter in string.ascii_uppercase:
        root = f"{letter}:\\"
        if kernel.GetDriveTypeW(root) == DRIVE_REMOVABLE and Path(root).exists():
            found.append((f"Drive {letter}:", Path(root)))
    return found


def _posix_drives() -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    user = os.environ.get("USER", "")
    for base in (
        Path("/media") / user,
        Path("/run/media") / user,
        Path("/media"),
        Path("/Volumes"),
    ):
        try:
            entries = sorted(p for p in base.iterdir() if p.is_dir() and os.path.ismount(p))
        except OSError:
            continue
        for entry in entries:
            if entry.name != user and all(entry != p for _, p in found):
                found.append((entry.name, entry))
    return found


def removable_folders() -> list[tuple[str, Path]]:
    """Mounted USB sticks and memory cards, by name (mount points only, never a plain folder)."""
    return _windows_drives() if platform.system() == "Windows" else _posix_drives()


def require_on_drive(path: Path, drives: list[tuple[str, Path]]) -> Path:
    """``path`` resolved (links followed) if it lies on one of ``drives``, else a typed error."""
    resolved = Path(path).resolve()
    for _name, root in drives:
        if resolved.is_relative_to(Path(root).resolve()):
            return resolved
    raise NotOnRemovableDriveError(
        "The kiosk only reads and writes USB sticks. Plug one in and choose it on the screen."
    )


def _walk(drive: str, root: Path, folder: Path, depth: int, out: list[PhotoFile]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden folders and the ._ files macOS leaves on sticks
        try:
            if entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH:
                    _walk(drive, root, Path(entry.path), depth + 1, out)
            elif (
                entry.is_file(follow_symlinks=False)
                and Path(entry.name).suffix.lower() in PHOTO_SUFFIXES
            ):
                info = entry.stat(follow_symlinks=False)
                out.append(PhotoFile(drive, Path(entry.path), info.st_size, info.st_mtime))
        except OSError:
            continue


def photos_on(drives: list[tuple[str, Path]], *, limit: int = MAX_PHOTOS) -> list[PhotoFile]:
    """Photo files on the sticks (no links followed), newest first, at most ``limit``."""
    found: list[PhotoFile] = []
    for name, root in drives:
        _walk(name, Path(root), Path(root), 0, found)
    found.sort(key=lambda p: p.modified, reverse=True)
    return found[:limit]
