"""Saving where a person chose, whole or not at all, on real small file systems (tmpfs): a full disk,
a read-only folder, a missing folder or a folder in the way each give one sentence for a person,
and no temporary file or folder is left behind; an earlier file of the same name survives."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from core.files import NotSavedError, check_target, write_file, write_folder
from tests.helpers.mounts import fill

Mount = Callable[[str], Path | None]
EARLIER = b"an earlier export that must survive\n"


def _read_only(tmpfs: Mount, tmp_path: Path) -> Path:
    folder = tmpfs("ro,size=64k")
    if folder is None:  # not root: permissions stop this user the same way
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
    return folder


def test_a_file_is_replaced_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "visits.csv"
    target.write_bytes(EARLIER)
    assert write_file(target, b"new,rows\n") == target
    assert target.read_bytes() == b"new,rows\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert write_file(tmp_path / "r.pdf", b"%PDF", mode=0o644).stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf", "visits.csv"]


def test_a_missing_folder_or_a_folder_in_the_way(tmp_path: Path) -> None:
    with pytest.raises(NotSavedError, match="does not exist"):
        write_file(tmp_path / "usb" / "a.csv", b"x")
    assert not (tmp_path / "usb").exists()
    with pytest.raises(NotSavedError, match="is a folder: give a file name for the report"):
        check_target(tmp_path, what="the report")
    with pytest.raises(NotSavedError, match="does not exist"):
        write_folder(tmp_path / "usb" / "export", lambda into: into.mkdir())


def test_a_read_only_folder_keeps_nothing(tmpfs: Mount, tmp_path: Path) -> None:
    folder = _read_only(tmpfs, tmp_path)
    with pytest.raises(NotSavedError) as exc:
        write_file(folder / "a.csv", b"x")
    assert "cannot be written to" in exc.value.message and exc.value.code == "not_saved"
    with pytest.raises(NotSavedError, match="cannot be written to"):
        write_folder(folder / "export", lambda into: into.mkdir())
    assert list(folder.iterdir()) == []


def test_a_full_disk_keeps_the_earlier_file_and_no_part(tmpfs: Mount) -> None:
    disk = tmpfs("size=128k")
    assert disk is not None, "mounting a small tmpfs needs root (the tests run as root here)"
    (disk / "visits.csv").write_bytes(EARLIER)
    fill(disk, leave=8 * 1024)
    with pytest.raises(NotSavedError, match="not enough space") as exc:
        write_file(disk / "visits.csv", os.urandom(64 * 1024))
    assert str(disk) in exc.value.message
    assert sorted(p.name for p in disk.iterdir()) == ["filler", "visits.csv"]
    assert (disk / "visits.csv").read_bytes() == EARLIER


def test_a_folder_appears_only_once_complete(tmpfs: Mount, tmp_path: Path) -> None:
    def photos(into: Path) -> None:
        into.mkdir()
        (into / "patient.json").write_text("{}")
        (into / "photo.jpg").write_bytes(os.urandom(64 * 1024))

    done = write_folder(tmp_path / "export", photos)
    assert sorted(p.name for p in done.iterdir()) == ["patient.json", "photo.jpg"]
    with pytest.raises(NotSavedError, match="already exists"):
        write_folder(tmp_path / "export", photos)
    disk = tmpfs("size=128k")
    assert disk is not None, "mounting a small tmpfs needs root (the tests run as root here)"
    fill(disk, leave=16 * 1024)
    with pytest.raises(NotSavedError, match="not enough space"):
        write_folder(disk / "export", photos)
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no half-written folder
