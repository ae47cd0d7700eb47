"""Desktop import: photos per second with one worker process and with one per core, their ratio,
and the longest UI-thread stall during an import (a 5 ms heartbeat timer records its gaps).

Runs the real window offscreen: the Import page, the real process pool, the engine, and saving
through core storage into a throw-away encrypted data directory. The photos are the astronaut's
portrait (it ships with scikit-image) at 1024 px, each cut a little differently so every file has
other bytes (no duplicate is skipped). A small import runs first, unmeasured, so that starting the
pool's fork server is not charged to either run. On a shared machine the runs alternate (1 worker,
all cores, 1 worker, all cores) and the faster of each pair counts; the load average at the start
and the end is reported beside them, since other work on the cores lowers the ratio.

The machine is shared, so each run's stall has a baseline taken at the same moment: the same 5 ms
heartbeat in a bare Qt event loop in another process (no window, no import, no database), whose
longest gap is what other people's work alone does to a Qt loop on these cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from bench import Row
from bench.bench_kiosk import _pump
from bench.cpu_share import CpuTimes, fork_server, snapshot, wait_workers_gone

NAME = "import"
PASSWORD = "bench-password-1"


class _Heartbeat:
    """A 5 ms timer on the UI thread. Its largest gap is the longest stall; the UI thread's own CPU
    time within each gap says how much of a stall was work on that thread (the rest was waiting:
    for the GIL, or for a core on a loaded machine)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = self.last_cpu = 0.0
        self.worst = self.worst_cpu = self.busiest = 0.0
        self.loop = QEventLoop()
        self.until: Callable[[], bool] | None = None
        self.deadline = 0.0

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if self.last:
            gap, used = now - self.last, cpu - self.last_cpu
            if gap > self.worst:
                self.worst, self.worst_cpu = gap, used
            self.busiest = max(self.busiest, used)
        self.last, self.last_cpu = now, cpu
        if self.until is not None and (self.until() or now > self.deadline):
            self.loop.quit()

    def wait(self, until: Callable[[], bool], seconds: float = 3600.0) -> None:
        """Run the event loop as the application does (asleep until there is an event) until
        ``until()``, checked at every beat. The polling loop used before (``processEvents`` and a
        1 ms sleep, ~2 % of a core) was CPU of the UI process that the application does not spend."""
        self.until, self.deadline = until, time.perf_counter() + seconds
        if not until():
            self.loop.exec()
        self.until = None

    def start(self) -> None:
        self.last = self.last_cpu = 0.0
        self.worst = self.worst_cpu = self.busiest = 0.0
        self.timer.start()

    def stop(self) -> tuple[float, float, float]:
        """(longest gap, UI-thread CPU time in it, most UI-thread CPU time in any gap), in ms."""
        self.timer.stop()
        return self.worst * 1000, self.worst_cpu * 1000, self.busiest * 1000


BARE_LOOP = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
stop, state = Path(sys.argv[1]), {"last": 0.0, "worst": 0.0}
def tick():
    now = time.perf_counter()
    if state["last"]:
        state["worst"] = max(state["worst"], now - state["last"])
    state["last"] = now
    if stop.exists():
        print(f"{state['worst'] * 1000:.3f}", flush=True)
        app.quit()
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(tick)
timer.start()
print("ready", flush=True)
app.exec()
"""


class _BareLoop:
    """The heartbeat in a bare Qt event loop in another process, for the same span of time."""

    def __init__(self, scratch: Path) -> None:
        self.stop_file = scratch / f"stop-{time.monotonic_ns()}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", BARE_LOOP, str(self.stop_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> float:
        """Its longest gap, in ms."""
        self.stop_file.touch()
        out, _ = self.process.communicate(timeout=60)
        return float(out.strip())


def _photos(folder: Path, count: int) -> Path:
    import cv2
    import numpy as np
    import skimage.data

    from core.imaging import encode_jpeg

    folder.mkdir(parents=True, exist_ok=True)
    face = np.asarray(skimage.data.astronaut(), dtype=np.uint8)  # type: ignore[no-untyped-call]
    base = cv2.resize(face, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    for i in range(count):
        dx, dy = i % 10, i // 10
        cut = np.ascontiguousarray(base[2 * dy :, 120 + 2 * dx : 880 - dx], dtype=np.uint8)
        (folder / f"photo-{i:03d}.jpg").write_bytes(encode_jpeg(cut, quality=90))
    return folder


class Run(NamedTuple):
    seconds: float
    beat: tuple[float, float, float]
    """The heartbeat's longest gap, the UI thread's CPU time in it, its most in any gap (ms)."""
    saved: int
    bare_gap: float
    """The bare Qt loop's longest gap in the same span (ms)."""
    cpu: CpuTimes


def _import(app: Any, folder: Path, count: int, *, workers: int) -> Run:
    """(seconds, heartbeat figures in ms, photos saved, the bare loop's longest gap in ms, CPU
    seconds per process) for one import in a fresh data directory."""
    from app.context import AppContext
    from app.desktop.services import DesktopServices
    from core.config import load_settings
    from ui.background import Pools
    from ui.desktop.importing.page import ImportPage
    from ui.desktop.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="skinlab-bench-import-") as scratch:
        ctx = AppContext(load_settings(data_dir=Path(scratch)))
        ctx.database  # noqa: B018
        ctx.auth.create_first_admin(
            email="ada@clinic.org", first_name="Ada", last_name="Lovelace", password=PASSWORD
        )
        ctx.auth.register(
            email="pat@example.org",
            first_name="Pat",
            last_name="Doe",
            role="patient",
            password=None,
        )
        services = DesktopServices(ctx)
        services.import_workers = workers
        pools = Pools()
        win = MainWindow(services, pools)
        win.resize(1280, 800)
        win.show()
        win.start()
        _pump(app, 30.0, lambda: win.stack.currentWidget() is win.login)
        win.login.email.setText("ada@clinic.org")
        win.login.password.setText(PASSWORD)
        win.login.button.click()
        _pump(app, 30.0, lambda: win.view is not None)
        assert win.view is not None
        win.commands.go_import.trigger()
        page = win.view.workspace.page("import")
        assert isinstance(page, ImportPage)
        page.add_paths([folder])
        _pump(app, 60.0, lambda: page.files.rowCount() == count)
        session = win.view.session
        page.picker.set_patient(services.find_import_patients(session, "pat")[0])
        bare = _BareLoop(Path(scratch))
        beat = _Heartbeat()
        server = fork_server()
        beat.start()
        cpu_before = snapshot(server)
        began = time.perf_counter()
        page.start_button.click()
        beat.wait(lambda: not page.is_running)
        seconds = time.perf_counter() - began
        stall = beat.stop()
        server = server or fork_server()
        if server is not None:
            wait_workers_gone(server)
        cpu = snapshot(server) - cpu_before
        baseline = bare.stop()
        saved = page.files.count("saved")
        win.close()
        pools.wait()
        ctx.close()
    return Run(seconds, stall, saved, baseline, cpu)


def _cpu_rows(runs: dict[int, list[Run]], count: int) -> list[Row]:
    """CPU seconds per process, the mean of each worker count's runs: load changes them far less
    than it changes wall-clock times. The UI process's share is what a second core cannot share."""
    rows = []
    for workers, done in runs.items():
        ui = sum(r.cpu.ui_process for r in done) / len(done)
        thread = sum(r.cpu.ui_thread for r in done) / len(done)
        pool = sum(r.cpu.workers for r in done) / len(done)
        rows += [
            Row(NAME, f"CPU seconds, UI process, {workers} worker(s) (mean)", ui, "s"),
            Row(NAME, "  per photo", 1000 * ui / count, "ms"),
            Row(
                NAME,
                "  of which the UI thread (the rest: import thread, file writers)",
                thread,
                "s",
            ),
            Row(NAME, f"CPU seconds, worker processes, {workers} worker(s) (mean)", pool, "s"),
            Row(NAME, "  per photo", 1000 * pool / count, "ms"),
            Row(NAME, "  UI process's share of the import's CPU", 100 * ui / (ui + pool), "%"),
        ]
    return rows


def run(quick: bool = False) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.desktop.importing.job import default_workers

    app = QApplication.instance() or QApplication([])
    count = 20 if quick else 100
    cores = min(2, default_workers())
    with tempfile.TemporaryDirectory(prefix="skinlab-bench-photos-") as scratch:
        folder = _photos(Path(scratch) / "card", count)
        warm = _photos(Path(scratch) / "warm", 2)
        _import(app, warm, 2, workers=cores)  # starts the fork server, loads the models
        beat = _Heartbeat()
        beat.start()
        _pump(app, 5.0 if quick else 15.0)
        idle = beat.stop()[0]  # the same timer with nothing to do: the machine's own noise
        load_before = os.getloadavg()[0]
        runs: dict[int, list[Run]] = {1: [], cores: []}
        for _ in range(1 if quick else 2):
            for workers in (1, cores):
                runs[workers].append(_import(app, folder, count, workers=workers))
                print(f"  {workers} worker(s): {runs[workers][-1]}", file=sys.stderr, flush=True)
        load_after = os.getloadavg()[0]
    assert all(r.saved == count for pair in runs.values() for r in pair), runs
    one = min(r.seconds for r in runs[1])
    many = min(r.seconds for r in runs[cores])
    stall_one = max((r.beat for r in runs[1]), key=lambda b: b[0])
    stall_many = max((r.beat for r in runs[cores]), key=lambda b: b[0])
    busiest = max(r.beat[2] for pair in runs.values() for r in pair)
    bare_one = max(r.bare_gap for r in runs[1])
    bare_many = max(r.bare_gap for r in runs[cores])
    return [
        Row(NAME, "load average (1 min) before the measured runs", load_before, ""),
        Row(NAME, "load average (1 min) after the measured runs", load_after, ""),
        *_cpu_rows(runs, count),
        Row(NAME, f"import {count} photos, 1 worker process (faster run)", one, "s"),
        Row(NAME, f"import {count} photos, {cores} worker processes (faster run)", many, "s"),
        Row(NAME, "photos per second, 1 core", count / one, "photos/s"),
        Row(NAME, f"photos per second, {cores} cores", count / many, "photos/s"),
        Row(NAME, f"speed-up, {cores} cores vs 1", one / many, "x", ">= 1.7"),
        Row(NAME, "longest heartbeat gap with no import running (machine noise)", idle, "ms"),
        Row(
            NAME,
            "longest UI-thread stall during an import (1 core, worst run)",
            stall_one[0],
            "ms",
            "<= 50",
        ),
        Row(NAME, "  of which the UI thread's own CPU time", stall_one[1], "ms"),
        Row(NAME, "  bare Qt loop in another process, same runs: longest gap", bare_one, "ms"),
        Row(
            NAME,
            f"longest UI-thread stall during an import ({cores} cores, worst run)",
            stall_many[0],
            "ms",
            "<= 50",
        ),
        Row(NAME, "  of which the UI thread's own CPU time", stall_many[1], "ms"),
        Row(NAME, "  bare Qt loop in another process, same runs: longest gap", bare_many, "ms"),
        Row(
            NAME, "most UI-thread CPU time between two heartbeats, any run", busiest, "ms", "<= 50"
        ),
    ]


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
