"""The hang watchdog (faulthandler, armed by pyproject.toml) lets a slow test run to its own limit.

Each case runs a small pytest session in a child process with a 2-second watchdog that ends the
run, loading the project's watchdog fixture, and a test that sleeps 4 seconds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = """[pytest]
faulthandler_timeout = 2
faulthandler_exit_on_timeout = true
markers = timeout: a test's own limit
"""


def _run_sleeper(tmp_path: Path, marker: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text(SETTINGS)
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.helpers.watchdog"]\n')
    (tmp_path / "test_sleeper.py").write_text(
        f"import time\nimport pytest\n\n{marker}\ndef test_sleeps():\n    time.sleep(4)\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "-p", "no:timeout", str(tmp_path)],
        cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("marker", ["@pytest.mark.timeout(30)", "@pytest.mark.timeout(timeout=30)"])
def test_a_test_with_a_longer_limit_runs_to_its_end(tmp_path: Path, marker: str) -> None:
    done = _run_sleeper(tmp_path, marker)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_a_test_without_one_is_still_stopped_by_the_watchdog(tmp_path: Path) -> None:
    done = _run_sleeper(tmp_path, "")
    assert done.returncode != 0
    assert "Timeout (0:00:02)!" in done.stderr
    assert "test_sleeps" in done.stderr
