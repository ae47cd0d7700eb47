"""Real small and read-only filesystems for disk-full tests: a size-limited tmpfs, and a read-only
bind mount, both mounted for the test (root, as in CI); elsewhere the test is skipped, naming why."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a test filesystem here ({done.stderr.strip()}); needs root")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=True)


@contextmanager
def small_disk(path: Path, *, size_kb: int) -> Iterator[Path]:
    """``path`` becomes a tmpfs of ``size_kb``: writes past it fail with ENOSPC."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path))
    try:
        yield path
    finally:
        _umount(path)


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """``path`` read-only for everyone, root included (a read-only bind mount over itself)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        for p in [path, *path.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        try:
            yield path
        finally:
            for p in [path, *path.rglob("*")]:
                p.chmod(p.stat().st_mode | 0o200)
            path.chmod(mode)
        return
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,ro,bind", str(path))
        yield path
    finally:
        _umount(path)


def fill(path: Path, *, leave_kb: int = 0) -> None:
    """Fill the filesystem holding ``path`` until only ``leave_kb`` are free."""
    filler = path / "filler.bin"
    stat = os.statvfs(path)
    free = stat.f_bavail * stat.f_frsize - leave_kb * 1024
    with open(filler, "ab") as handle, suppress(OSError):
        handle.write(b"\0" * max(free, 0))
