"""Saving can fail (full USB stick, read-only or missing folder): a typed error with a message
for a person, and never a half-written file; an earlier report at the same path survives."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from core import files
from core.errors import SkinLabError
from ui.reports.errors import ReportError
from ui.reports.model import ReportData
from ui.reports.pdf import render_report

Maker = Callable[..., ReportData]
OLD_REPORT = b"%PDF-1.4 an earlier report that must survive\n" * 100


def _assert_not_saved(exc: pytest.ExceptionInfo[ReportError], *words: str) -> None:
    assert isinstance(exc.value, SkinLabError) and exc.value.code == "report_not_saved"
    assert "\n" not in exc.value.message and "Errno" not in exc.value.message
    for word in words:
        assert word in exc.value.message


def test_a_missing_folder_is_not_created_behind_the_user_s_back(
    qapp, tmp_path: Path, make_data: Maker
) -> None:
    with pytest.raises(ReportError) as exc:
        render_report(make_data(), tmp_path / "usb" / "report.pdf")
    _assert_not_saved(exc, "does not exist", str(tmp_path / "usb"))
    assert not (tmp_path / "usb").exists()


def test_a_folder_or_a_file_in_the_way(qapp, tmp_path: Path, make_data: Maker) -> None:
    with pytest.raises(ReportError) as exc:
        render_report(make_data(), tmp_path)
    _assert_not_saved(exc, "is a folder")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ReportError) as exc:
        render_report(make_data(), tmp_path / "notes.txt" / "report.pdf")
    _assert_not_saved(exc, "does not exist")


def test_full_disk_leaves_the_old_report_and_no_partial_file(
    qapp, make_data: Maker, tmpfs: Callable[[str], Path | None]
) -> None:
    stick = tmpfs("size=64k")
    if stick is None:
        pytest.skip("mounting a 64 KiB tmpfs needs root (the /dev/full test covers the code path)")
    (stick / "report.pdf").write_bytes(OLD_REPORT)
    with pytest.raises(ReportError) as exc:
        render_report(make_data(), stick / "report.pdf")  # about 280 KB of PDF
    _assert_not_saved(exc, "not enough space", str(stick))
    assert sorted(p.name for p in stick.iterdir()) == ["report.pdf"]
    assert (stick / "report.pdf").read_bytes() == OLD_REPORT


def test_read_only_folder(
    qapp, tmp_path: Path, make_data: Maker, tmpfs: Callable[[str], Path | None]
) -> None:
    folder = tmpfs("ro,size=64k")
    if folder is None:  # not root: permissions do stop this user
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
    with pytest.raises(ReportError) as exc:
        render_report(make_data(), folder / "report.pdf")
    _assert_not_saved(exc, "cannot be written to", str(folder))
    assert list(folder.iterdir()) == []


def test_a_write_that_fails_midway_removes_the_partial_file(
    qapp, tmp_path: Path, make_data: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any user: the temporary file's writes go to /dev/full, which fails like a full disk."""
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full is a Linux device")
    real_mkstemp = tempfile.mkstemp

    def mkstemp_on_full_device(**kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(**kwargs)  # type: ignore[call-overload]
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), name

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp_on_full_device)
    (tmp_path / "report.pdf").write_bytes(OLD_REPORT)
    with pytest.raises(ReportError) as exc:
        render_report(make_data(), tmp_path / "report.pdf")
    _assert_not_saved(exc, "not enough space")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]
    assert (tmp_path / "report.pdf").read_bytes() == OLD_REPORT


def test_saving_replaces_an_earlier_report_whole(qapp, tmp_path: Path, make_data: Maker) -> None:
    (tmp_path / "report.pdf").write_bytes(OLD_REPORT)
    render_report(make_data(), tmp_path / "report.pdf")
    data = (tmp_path / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
