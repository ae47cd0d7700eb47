"""A data directory that fails under SkinLab: a full disk or a read-only folder while saving, a
backup that cannot be written, a damaged settings file, a second window on the same data."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.context import AppContext
from core.errors import StorageError
from core.storage.results import save_analysis
from tests.helpers.crash_worker import fake_result
from tests.helpers.filesystems import fill, read_only, small_disk
from tests.helpers.paths import REPO


def _save(ctx: AppContext, photo: bytes) -> str:
    result = fake_result()
    with ctx.database.write() as session:
        save_analysis(session, ctx.images, result=result, user_id=None, image=photo)
    return str(result["analysis_id"])


def _count(ctx: AppContext) -> int:
    with ctx.database.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM skin_analysis_results").scalar_one())


def _intact(path: Path) -> bool:
    """integrity_check through a fresh context: the database is encrypted with the data key."""
    ctx = AppContext.from_args(path.parent)
    try:
        con = ctx.database.open_file(path, read_only=True)
    finally:
        ctx.close()
    try:
        return con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def test_a_full_disk_while_saving_is_a_clear_error_and_keeps_what_was_saved(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", size_kb=3072) as disk:
        ctx = AppContext.from_args(disk / "data")
        try:
            _save(ctx, os.urandom(100_000))
            fill(disk, leave_kb=40)
            with pytest.raises(StorageError) as caught:
                _save(ctx, os.urandom(400_000))
            assert "full" in caught.value.message and "nothing saved before" in caught.value.message
            assert _count(ctx) == 1
            assert not [p for p in ctx.images.files() if p.name.startswith(".part-")]
            (disk / "filler.bin").unlink()
            _save(ctx, os.urandom(100_000))  # space again: saving works again
            assert _count(ctx) == 2
        finally:
            ctx.close()
        assert _intact(disk / "data" / "skinlab.db")


def test_a_read_only_data_directory_while_saving_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ctx = AppContext.from_args(data)
    try:
        _save(ctx, os.urandom(50_000))
        with read_only(data):
            with pytest.raises(StorageError) as caught:
                _save(ctx, os.urandom(50_000))
            assert "read-only" in caught.value.message
        assert _count(ctx) == 1
    finally:
        ctx.close()
    assert _intact(data / "skinlab.db")


def _skinlab(data: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), *args],
        capture_output=True, text=True, cwd=REPO, timeout=timeout,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip


def test_starting_on_a_read_only_data_directory_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _skinlab(data, "users", "list").returncode == 0
    with read_only(data):
        done = _skinlab(data, "users", "list")
    assert done.returncode == 1
    assert "not writable" in done.stderr and str(data) in done.stderr


def test_a_backup_that_cannot_be_written_warns_and_the_command_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _skinlab(data, "users", "list").returncode == 0  # creates the database
    for old in (data / "backups").glob("*"):
        old.unlink()
    with small_disk(data / "backups", size_kb=64) as backups:
        fill(backups)
        done = _skinlab(data, "users", "list")
    assert done.returncode == 0, done.stderr
    assert "Warning" in done.stderr and "Could not back up" in done.stderr
    assert _intact(data / "skinlab.db")


@pytest.mark.parametrize(
    "content", ["not = [toml", "cache_size_mb = 'lots'\n"], ids=["syntax", "value"]
)
def test_a_damaged_settings_file_is_ignored_and_named(tmp_path: Path, content: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.toml").write_text(content)
    done = _skinlab(data, "users", "list")
    assert done.returncode == 0, done.stderr
    assert f"Ignored the settings file {data / 'settings.toml'}" in done.stderr
    assert "default settings" in done.stderr
    log = (data / "logs" / "skinlab.log").read_text()
    assert "Ignored the settings file" in log


def test_a_second_kiosk_on_the_same_data_says_so_and_exits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data), "--kiosk", "--windowed",
         "--camera", "demo"],
        cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        lock = data / ".window.lock"
        deadline = time.monotonic() + 120
        while not (lock.exists() and lock.read_text().strip()):
            assert first.poll() is None, first.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the first kiosk did not start"
            time.sleep(0.2)
        second = _skinlab(data, "--kiosk", "--windowed", "--camera", "demo")
        assert second.returncode == 1
        assert "already running" in second.stderr and str(first.pid) in second.stderr
        assert first.poll() is None  # the first one is untouched
        assert _skinlab(data, "users", "list").returncode == 0  # commands still work beside it
    finally:
        first.kill()
        first.wait(30)
