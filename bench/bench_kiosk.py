"""Kiosk: preview frame rate through the real preview widget, capture-to-results time, and the
longest UI-thread stall during a capture-to-results run (a 5 ms heartbeat timer records its gaps).

Runs the real window offscreen with the demo camera and the real services (analysis, database
write of the result and photo) in a throw-away data directory.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import Row

NAME = "kiosk"


class _Heartbeat:
    """A 5 ms timer on the UI thread; the largest gap between its ticks is the longest stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last:
            self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.worst = 0.0, 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


def _pump(app: Any, seconds: float, until: Any = None) -> bool:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.001)
    return False


def run(quick: bool = False) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.context import AppContext
    from app.kiosk.services import KioskAppServices
    from core.config import load_settings
    from ui.background import Pools
    from ui.kiosk.ports import ConsentChoice
    from ui.kiosk.window import KioskWindow

    app = QApplication.instance() or QApplication([])
    rows: list[Row] = []
    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory(prefix="skinlab-bench-kiosk-") as scratch:
        ctx = AppContext(load_settings(data_dir=Path(scratch)))
        ctx.database  # noqa: B018
        pools = Pools()
        services = KioskAppServices(ctx)
        win = KioskWindow(services, pools, camera="demo")
        win.resize(1920, 1080)
        win.show()
        win.start()
        _pump(app, 1.0)
        win.begin_visit()
        win.consent = ConsentChoice(granted=True, allow_storage=True)

        win.capture.hold_seconds = 3600.0
        win.start_capture()
        preview = win.capture.preview
        _pump(app, 3.0, lambda: preview.frames_shown > 5)  # camera open, detector loaded
        seconds = 3.0 if quick else 8.0
        first = preview.frames_shown
        started = time.perf_counter()
        _pump(app, seconds)
        fps = (preview.frames_shown - first) / (time.perf_counter() - started)
        rows.append(
            Row(
                NAME,
                "preview frames shown per second (demo camera, 1920x1080)",
                fps,
                "fps",
                ">= 25",
            )
        )

        durations: list[float] = []
        stalls: list[float] = []
        beat = _Heartbeat()
        for _ in range(runs):
            win.capture.hold_seconds = 3600.0
            win.start_capture()
            _pump(app, 10.0, lambda: win.feed.snapshot(prefer_passed=True) is not None)
            shown: list[float] = []
            win.results.photo.changed.connect(lambda _n, out=shown: out.append(time.perf_counter()))
            beat.start()
            began = time.perf_counter()
            win.capture.capture_button.click()
            _pump(app, 30.0, lambda: win.stack.currentWidget() is win.results)
            _pump(app, 0.1)
            stalls.append(beat.stop() * 1000)
            durations.append((shown[0] if shown else time.perf_counter()) - began)
            win.results.photo.changed.disconnect()
        rows.append(
            Row(
                NAME,
                "capture to results on screen (median)",
                sorted(durations)[len(durations) // 2],
                "s",
                "<= 3",
            )
        )
        rows.append(
            Row(
                NAME,
                "longest UI-thread stall, capture to results (worst run)",
                max(stalls),
                "ms",
                "<= 50",
            )
        )
        rows.append(
            Row(
                NAME,
                "longest UI-thread stall, capture to results (median run)",
                sorted(stalls)[len(stalls) // 2],
                "ms",
                "<= 50",
            )
        )
        win.shut_down()
        win.feed.wait(3.0)
        pools.wait()
        ctx.close()
    return rows


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
