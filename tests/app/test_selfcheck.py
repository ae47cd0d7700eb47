"""``skinlab --self-check`` runs every step in a throw-away data directory and names a failing one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.resources import ENV_OVERRIDE
from tests.helpers.paths import REPO

STEPS = (
    "resources",
    "create the database",
    "analyse the bundled face",
    "OpenCV's matrix maths (BLAS, LAPACK)",
    "play a video file",
    "render the PDF report",
    "open the kiosk window",
    "type on the on-screen keyboard",
    "close the kiosk window",
)


def _self_check(env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--self-check"],
        capture_output=True, text=True, cwd=REPO, timeout=280,
        env={**env, "HOME": str(home), "SKINLAB_DATA_DIR": str(home / "never-used")},
    )  # fmt: skip


def test_the_self_check_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    done = _self_check(dict(os.environ), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    for step in STEPS:
        assert f"[ok] {step}" in done.stdout
    assert done.stdout.strip().endswith("self-check passed")
    assert not (tmp_path / "never-used").exists()  # the real data directory is never touched


def test_a_failing_step_is_named_and_the_exit_status_is_not_zero(tmp_path: Path) -> None:
    broken = tmp_path / "resources"
    shutil.copytree(REPO / "resources", broken, ignore=shutil.ignore_patterns("__pycache__"))
    (broken / "rules" / "recommendations.json").unlink()
    done = _self_check({**os.environ, ENV_OVERRIDE: str(broken)}, tmp_path)
    assert done.returncode == 1
    assert "[FAILED] resources" in done.stdout and "recommendations.json" in done.stdout
    assert "self-check failed at: resources" in done.stdout
