"""Blob bytes on disk, under ``<blob dir>/<clinic id>/<sha256>``.

The database's ``upload_offset`` is the truth: a file may hold more bytes after a crash, so every
append first cuts the file back to the recorded offset. Files are fsynced before the offset that
counts them is committed.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import BinaryIO

READ_CHUNK = 1024 * 1024
PART_SUFFIX = ".part"
PARTS_DIR = ".parts"


def relative_path(clinic_id: uuid.UUID, sha256: str) -> str:
    return f"{clinic_id}/{sha256}"


def absolute(blob_dir: Path, relative: str) -> Path:
    return blob_dir / relative


def reset(path: Path, *, offset: int = 0) -> None:
    """Create ``path`` if needed and cut it to ``offset`` bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as handle:
        handle.truncate(offset)
        handle.flush()
        os.fsync(handle.fileno())


def open_at(path: Path, offset: int) -> BinaryIO:
    """The file opened for appending at ``offset`` (anything past it is dropped first)."""
    reset(path, offset=offset)
    handle = open(path, "r+b")  # noqa: SIM115  (closed by the caller)
    handle.seek(offset)
    return handle


def part_path(blob_dir: Path, token: uuid.UUID) -> Path:
    """Where one PATCH request writes its bytes before they are appended to its image: a scratch
    folder beside the clinics' folders, swept of requests that died with their server."""
    return blob_dir / PARTS_DIR / f"{token.hex}{PART_SUFFIX}"


def append_part(path: Path, part: Path, *, offset: int) -> None:
    """Cut ``path`` to ``offset`` and append ``part`` to it, synced before the offset is committed."""
    reset(path, offset=offset)
    with open(path, "r+b") as handle, open(part, "rb") as source:
        handle.seek(offset)
        while chunk := source.read(READ_CHUNK):
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())


def sync_close(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)
