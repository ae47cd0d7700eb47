"""Start-up: ``skinlab --version``/``--help`` against ``python -c pass``, and the first painted
sign-in window and kiosk attract screen against a bare PySide6 window shown by the same Python.

Each is a fresh process, timed from its launch to its first line on stdout (the painted ones print
when the window's first paint event arrives, offscreen). Runs from source, and from the PyInstaller
build too when ``dist/skinlab/skinlab`` exists (or ``SKINLAB_BUILD`` names it). Medians of a few
runs; the ratios are what to compare on a shared machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.paint_probe import ENV
from bench import Row

NAME = "startup"
ROOT = Path(__file__).resolve().parent.parent

_BARE = """
import os
from app.paint_probe import install_if_asked
install_if_asked()
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
window = QLabel("SkinLab")
window.resize(1280, 800)
window.show()
app.exec()
"""


def _time(args: list[str], *, env: dict[str, str], runs: int) -> float:
    """Median seconds from launch to the first line on stdout (or exit)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                cwd=ROOT, text=True)  # fmt: skip
        assert proc.stdout is not None
        line = proc.stdout.readline()
        times.append(time.perf_counter() - started)
        proc.kill()
        proc.wait(30)
        if not line:
            raise RuntimeError(f"{args} printed nothing")
    return statistics.median(times)


def _rows(label: str, launcher: list[str], env: dict[str, str], runs: int) -> list[Row]:
    rows = []
    data = tempfile.mkdtemp(prefix="skinlab-bench-startup-")
    painted = {**env, ENV: "1"}
    nothing = _time([sys.executable, "-c", "print('x')"], env=env, runs=runs)
    bare = _time([sys.executable, "-c", _BARE], env=painted, runs=runs)
    for flag in ("--version", "--help"):
        took = _time([*launcher, flag], env=env, runs=runs)
        rows.append(Row(NAME, f"{label}: skinlab {flag} / python -c print", took / nothing, "x"))
        rows.append(Row(NAME, f"{label}: skinlab {flag}", took, "s", "<= 0.3"))
    kiosk = ["--kiosk", "--windowed", "--camera", "demo"]
    for what, extra in (("sign-in window", []), ("kiosk attract screen", kiosk)):
        took = _time([*launcher, "--data-dir", data, *extra], env=painted, runs=runs)
        rows.append(Row(NAME, f"{label}: first painted {what}", took, "s"))
        rows.append(
            Row(NAME, f"{label}: first painted {what} / bare window", took / bare, "x", "<= 1.5")
        )
    rows.append(Row(NAME, f"{label}: bare PySide6 window painted (source Python)", bare, "s"))
    return rows


def run(quick: bool = False) -> list[Row]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    runs = 3 if quick else 7
    rows = _rows("source", [sys.executable, "-m", "app"], env, runs)
    build = Path(os.environ.get("SKINLAB_BUILD", ROOT / "dist" / "skinlab" / "skinlab"))
    if build.exists():
        rows += _rows("build", [str(build)], env, runs)
    return rows
