"""Write a file or a folder in the folder a person chose, whole or not at all.

Everything is written first under a hidden temporary name in the target folder itself (so the final
rename stays on one file system and is atomic), flushed to disk, then renamed into place. A folder
that is not writable, a full disk or a pulled USB stick raise :class:`ExportError` with a sentence
for a person, and leave no partial file behind (an earlier file of the same name survives).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from core.errors import SkinLabError


class ExportError(SkinLabError):
    """The export was not saved; nothing half-written was left."""

    code = "export_not_saved"


def message_for(exc: OSError, target: Path) -> str:
    folder = target.parent
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"There is not enough space in {folder} to save {target.name}. "
            "Free some space or choose another folder."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"The folder {folder} cannot be written to (it is read-only or not yours). Choose another folder."
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return (
            f"The folder {folder} does not exist (was a USB stick removed?). Choose another folder."
        )
    if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
        return f"{target.name} already exists in {folder}: choose another name."
    return f"{target.name} could not be saved in {folder} ({exc.strerror or exc})."


def _check_folder(target: Path) -> None:
    if not target.parent.is_dir():
        raise ExportError(message_for(OSError(errno.ENOENT, "No such folder"), target))


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_file(target: Path, data: bytes) -> Path:
    """``data`` to ``target`` through a temporary file in the same folder and a rename."""
    target = Path(target)
    _check_folder(target)
    if target.is_dir():
        raise ExportError(f"{target} is a folder: give a file name.")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ExportError(message_for(exc, target)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _sync_folder(target.parent)
    return target


def write_folder(target: Path, fill: Callable[[Path], object]) -> Path:
    """A new folder ``target``: ``fill`` writes into a hidden temporary folder beside it, which is
    renamed to ``target`` only once everything is on disk. ``target`` must not exist yet."""
    target = Path(target)
    _check_folder(target)
    if target.exists():
        raise ExportError(message_for(OSError(errno.EEXIST, "Exists"), target))
    tmp: Path | None = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".part", dir=target.parent))
        fill(tmp / "content")
        for path in sorted((tmp / "content").rglob("*")):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        os.rename(tmp / "content", target)
    except OSError as exc:
        raise ExportError(message_for(exc, target)) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    _sync_folder(target.parent)
    return target
