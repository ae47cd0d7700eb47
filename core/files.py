"""Write a file or a folder where a person chose (a USB stick, a shared folder), whole or not at all.

Everything is written first under a hidden temporary name in the target folder itself (so the final
rename stays on one file system and is atomic), flushed to disk, then renamed into place, and the
folder is synced so that the rename survives a stick pulled right after. A folder that is not
writable, a full disk or a pulled stick raise :class:`NotSavedError` with a sentence for a person
and leave no partial file behind (an earlier file of the same name survives). The visit report,
the progress report and the desktop's exports all save through here; callers re-raise the error as
their own type (its ``code``) with the same sentence.
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


class NotSavedError(SkinLabError):
    """Nothing was saved, and nothing half-written was left."""

    code = "not_saved"


def why_not_saved(exc: OSError, target: Path, *, what: str = "") -> str:
    """The sentence for a person; ``what`` names the thing ("the report"), else the file's name."""
    folder, thing = target.parent, what or target.name
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"There is not enough space in {folder} to save {thing}. "
            "Free some space or choose another folder or USB stick."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"The folder {folder} cannot be written to (it is read-only or not yours). "
            "Choose another folder."
        )
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return (
            f"The folder {folder} does not exist (was a USB stick removed?). Choose another folder."
        )
    if exc.errno == errno.EISDIR:
        return f"{target} is a folder: give a file name for {thing}."
    if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
        return f"{target.name} already exists in {folder}: choose another name."
    return f"{thing[:1].upper()}{thing[1:]} could not be saved to {target} ({exc.strerror or exc})."


def check_target(target: Path, *, what: str = "") -> None:
    """Fail early, before any rendering, on a target that is a folder or in a missing folder."""
    if target.is_dir():
        raise NotSavedError(
            why_not_saved(OSError(errno.EISDIR, "Is a directory"), target, what=what)
        )
    if not target.parent.is_dir():
        raise NotSavedError(
            why_not_saved(OSError(errno.ENOENT, "No such folder"), target, what=what)
        )


def write_file(target: Path, data: bytes, *, mode: int = 0o600, what: str = "") -> Path:
    """``data`` to ``target`` through a temporary file in the same folder and a rename."""
    target = Path(target)
    check_target(target, what=what)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise NotSavedError(why_not_saved(exc, target, what=what)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _sync_folder(target.parent)
    return target


def write_folder(target: Path, fill: Callable[[Path], object], *, what: str = "") -> Path:
    """A new folder ``target``: ``fill`` writes into a hidden temporary folder beside it, which is
    renamed to ``target`` only once everything is on disk. ``target`` must not exist yet."""
    target = Path(target)
    if not target.parent.is_dir():
        raise NotSavedError(
            why_not_saved(OSError(errno.ENOENT, "No such folder"), target, what=what)
        )
    if target.exists():
        raise NotSavedError(why_not_saved(OSError(errno.EEXIST, "Exists"), target, what=what))
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
        raise NotSavedError(why_not_saved(exc, target, what=what)) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; best effort (not every file system syncs a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
