"""``kill -9`` at random moments while SkinLab saves analyses, migrates, writes its cache and backs
up: the next start finds an intact database holding every analysis reported saved, no row naming
a missing photo, and no half-written or orphan photo file (swept, and counted in the log).

A few kills per activity run by default; ``pytest -m slow`` runs 100 of each."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from app.context import AppContext
from core.storage import Database
from tests.helpers.paths import REPO

MODES = ("save", "migrate", "cache", "backup")


def _start(mode: str, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.crash_worker", mode, str(data_dir)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _kill_at_random(proc: subprocess.Popen[str], rng: random.Random, mode: str) -> list[str]:
    """kill -9 at a random moment of the activity (after start-up, except for a migration, which
    is the start-up); return the lines the worker printed before it died."""
    lines: list[str] = []
    ready = threading.Event()
    # A migration is short (~0.3 s): the kill lands within 0.5 s of its start, not during the
    # imports before it (which take seconds on a loaded machine and touch nothing on disk).
    signal_line, window = ("migrating", 0.5) if mode == "migrate" else ("ready", 1.0)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith(signal_line):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(300), "the worker did not start"
    time.sleep(rng.uniform(0.0, window))
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    reader.join(10)
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert proc.returncode in (-signal.SIGKILL, 0), err[-2000:]
    return lines


def _integrity(db: Database, path: Path) -> list[str]:
    con = db.open_file(path, read_only=True)  # encrypted at rest: opened with the data key
    try:
        return [row[0] for row in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def _check_after_restart(data_dir: Path, mode: str, lines: list[str]) -> tuple[int, int]:
    """The next start: returns (analyses reported saved, photo files swept by this start)."""
    log = data_dir / "logs" / "skinlab.log"
    logged_before = log.read_text() if log.exists() else ""
    ctx = AppContext.from_args(data_dir)
    try:
        db = ctx.database  # migrates what a killed migration left, and sweeps
        assert _integrity(db, ctx.paths.database) == ["ok"]
        with db.connect() as conn:
            saved = {
                row[0]
                for row in conn.exec_driver_sql("SELECT analysis_id FROM skin_analysis_results")
            }
            photos = [row[0] for row in conn.exec_driver_sql(
                "SELECT image_sha256 FROM skin_analysis_results WHERE image_sha256 IS NOT NULL "
                "UNION SELECT thumbnail_sha256 FROM skin_analysis_results WHERE thumbnail_sha256 IS NOT NULL "
                "UNION SELECT sha256 FROM images")]  # fmt: skip
        reported = [line.split()[1] for line in lines if line.startswith("saved ")]
        missing = [a for a in reported if uuid.UUID(a).hex not in saved and a not in saved]
        assert not missing, f"reported saved but gone after kill -9: {missing[:3]}"
        assert all(ctx.images.path_for(sha).is_file() for sha in photos), (
            "a row names a missing photo"
        )
        on_disk = list(ctx.images.files())
        assert not [p for p in on_disk if p.name.startswith(".part-")]
        assert {p.name for p in on_disk} <= set(photos), "an orphan photo file survived the start"
        if mode == "cache":
            reported_keys = [line.split()[1] for line in lines if line.startswith("cached ")]
            for key in reported_keys[-5:]:
                assert ctx.cache.get(key) is not None, key
        if mode == "backup":
            for backup in ctx.paths.backups.glob("skinlab-*.db"):
                assert _integrity(db, backup) == ["ok"], backup
            assert not list(ctx.paths.backups.glob("*.part*")), "a half-written backup survived"
    finally:
        ctx.close()
    swept = 0
    for line in log.read_text()[len(logged_before) :].splitlines():
        if "Swept" in line and "photo files" in line:
            words = line.split("Swept ", 1)[1].split()
            swept += int(words[0]) + int(words[3])
    return len(reported), swept


def _run(mode: str, iterations: int, tmp_path: Path, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    data_dir = tmp_path / mode
    totals = {"kills": 0, "reported": 0, "swept": 0, "interrupted": 0}
    for i in range(iterations):
        if mode == "migrate":  # each kill lands in a fresh migration from nothing
            data_dir = tmp_path / f"{mode}-{i}"
        lines = _kill_at_random(_start(mode, data_dir), rng, mode)
        totals["interrupted"] += mode == "migrate" and "migrated" not in lines
        reported, swept = _check_after_restart(data_dir, mode, lines)
        totals["kills"] += 1
        totals["reported"] += reported
        totals["swept"] += swept
    return totals


@pytest.mark.parametrize("mode", MODES)
def test_kill_9_a_few_times(mode: str, tmp_path: Path) -> None:
    totals = _run(mode, 3, tmp_path, seed=hash(mode) & 0xFFFF)
    assert totals["kills"] == 3


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("mode", MODES)
def test_kill_9_a_hundred_times(mode: str, tmp_path: Path) -> None:
    totals = _run(mode, 100, tmp_path, seed=int(os.environ.get("SKINLAB_CRASH_SEED", "12")))
    print(f"\n{mode}: {totals}")
    assert totals["kills"] == 100
    if mode == "save":
        assert totals["reported"] > 100  # the kills landed while saving, not before it began
    if mode == "migrate":
        assert totals["interrupted"] >= 30  # many kills landed inside the migration itself
