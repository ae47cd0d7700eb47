"""Start-up: ``skinlab --version``/``--help`` against ``python -c pass``, and the first painted
sign-in window and kiosk attract screen against a bare PySide6 window shown by the same Python.

Each is a fresh process, timed from its launch to its first line on stdout (the painted ones print
once the window's first paint has finished, offscreen). Runs from source, and from the PyInstaller
build too when ``dist/skinlab/skinlab`` exists (or ``SKINLAB_BUILD`` names it). The yardsticks are
run by the same Python: ``python -c`` from source; for the build, which has no ``-c``, the build
itself with ``SKINLAB_BENCH_BASELINE`` (``app.paint_probe.baseline``). Medians of a few runs, the
yardstick and the app alternating, after one warm-up run of each that is not counted (it writes
the bytecode of a fresh checkout, as installing does); the ratios are what to compare on a shared
machine. The painted windows also get a CPU row: the process's own CPU time (user + system) to its
first paint, as a ratio to the bare window's, which other work on the machine hardly moves.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.paint_probe import BASELINE_ENV, ENV
from bench import Row

NAME = "startup"
ROOT = Path(__file__).resolve().parent.parent

_BARE = "from app.paint_probe import baseline; baseline('window')"


def _once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launch to the first line on stdout, and the CPU seconds the process used."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                            cwd=ROOT, text=True)  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    took = time.perf_counter() - started
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc.kill()
    proc.wait(30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # grows by the child just reaped
    if not line:
        raise RuntimeError(f"{args} printed nothing")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return took, cpu


@dataclass(frozen=True)
class Paired:
    """Medians of an app's runs and of its yardstick's: seconds to the first line, CPU seconds."""

    took: float
    base: float
    cpu: float
    base_cpu: float


def _paired(
    app: tuple[list[str], dict[str, str]], base: tuple[list[str], dict[str, str]], runs: int
) -> Paired:
    """Medians of the app and of its yardstick, run alternately so that load hits both alike."""
    took: list[tuple[float, float]] = []
    yardstick: list[tuple[float, float]] = []
    _once(*base)  # warm-up, not counted: the file cache, and the bytecode of a fresh checkout
    _once(*app)
    for _ in range(runs):
        yardstick.append(_once(*base))
        took.append(_once(*app))
    return Paired(
        took=statistics.median(t for t, _ in took),
        base=statistics.median(t for t, _ in yardstick),
        cpu=statistics.median(c for _, c in took),
        base_cpu=statistics.median(c for _, c in yardstick),
    )


def _rows(
    label: str,
    launcher: list[str],
    env: dict[str, str],
    runs: int,
    *,
    nothing: tuple[list[str], dict[str, str]],
    bare: tuple[list[str], dict[str, str]],
) -> list[Row]:
    rows = []
    data = tempfile.mkdtemp(prefix="skinlab-bench-startup-")
    # A clinic's data directory, with its database: the desktop opens at its sign-in form.
    subprocess.run([*launcher, "--data-dir", data, "db", "upgrade"], env=env, check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)  # fmt: skip
    painted = {**env, ENV: "1"}
    for flag in ("--version", "--help"):
        p = _paired(([*launcher, flag], env), nothing, runs)
        rows.append(Row(NAME, f"{label}: skinlab {flag} / python -c pass", p.took / p.base, "x"))
        rows.append(Row(NAME, f"{label}: skinlab {flag}", p.took, "s", "<= 0.3"))
    kiosk = ["--kiosk", "--windowed", "--camera", "demo"]
    for what, extra in (("sign-in window", []), ("kiosk attract screen", kiosk)):
        p = _paired(([*launcher, "--data-dir", data, *extra], painted), bare, runs)
        rows.append(Row(NAME, f"{label}: first painted {what}", p.took, "s"))
        rows.append(
            Row(
                NAME, f"{label}: first painted {what} / bare window", p.took / p.base, "x", "<= 1.5"
            )
        )
        rows.append(Row(NAME, f"{label}: CPU to the first painted {what}", p.cpu, "s"))
        rows.append(
            Row(NAME, f"{label}: CPU, {what} / bare window", p.cpu / p.base_cpu, "x", "<= 1.5")
        )
    p = _paired(nothing, nothing, runs)
    rows.append(Row(NAME, f"{label}: python -c pass (its yardstick)", p.base, "s"))
    p = _paired(bare, bare, runs)
    rows.append(Row(NAME, f"{label}: bare PySide6 window painted (its yardstick)", p.base, "s"))
    rows.append(Row(NAME, f"{label}: CPU to the bare window's paint", p.base_cpu, "s"))
    return rows


def run(quick: bool = False) -> list[Row]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(BASELINE_ENV, None)
    # An installed SkinLab runs from bytecode (pip compiles it at install; the build bundles it):
    # from source too, or every run would compile SkinLab's modules and the yardstick none.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = 3 if quick else 7
    painted = {**env, ENV: "1"}
    # The ``skinlab`` command as installed (pip's entry point script), else ``python -m app``.
    script = Path(sys.executable).with_name("skinlab")
    launcher = [sys.executable, str(script)] if script.exists() else [sys.executable, "-m", "app"]
    rows = _rows(
        "source",
        launcher,
        env,
        runs,
        nothing=([sys.executable, "-c", "print('x')"], env),
        bare=([sys.executable, "-c", _BARE], painted),
    )
    build = Path(os.environ.get("SKINLAB_BUILD", ROOT / "dist" / "skinlab" / "skinlab"))
    if build.exists():
        rows += _rows(
            "build",
            [str(build)],
            env,
            runs,
            nothing=([str(build)], {**env, BASELINE_ENV: "pass"}),
            bare=([str(build)], {**painted, BASELINE_ENV: "window"}),
        )
    return rows
