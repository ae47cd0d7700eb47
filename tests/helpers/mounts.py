"""Small real file systems for "disk full" and "read-only" tests (tmpfs; needs root)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _mount_tmpfs(where: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path | None]]:
    """``tmpfs("size=64k")`` mounts a small file system and returns its folder (None when this
    user may not mount: the caller falls back to permissions, or /dev/full)."""
    mounts: list[Path] = []

    def mount(options: str) -> Path | None:
        where = tmp_path / f"mnt{len(mounts)}"
        if not _mount_tmpfs(where, options):
            return None
        mounts.append(where)
        return where

    yield mount
    for where in mounts:
        subprocess.run(["umount", str(where)], check=False)


def fill(folder: Path, *, leave: int = 512) -> None:
    """Fill ``folder``'s file system until fewer than ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as handle:  # full: the point
        handle.write(b"\0" * max(0, free - leave))
