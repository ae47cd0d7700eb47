"""Endurance soak of the kiosk (its own command, long):

    python -m bench.soak [--cycles 1000] [--warm-up 50] [--every 50] [--data-dir DIR]

One process, the real kiosk window offscreen with the real services and the demo camera, through
the whole visit again and again: attract -> guest -> consent -> capture -> analyse -> results ->
take-away PDF -> reset. Samples resident memory, open files, threads and the data directory after
the warm-up and at the end. Passes when memory grows by <= 20 MB after the warm-up, open files and
threads do not grow, and the data directory holds no guest analyses or photos (retention 0 days).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

RSS_GOAL_MB = 20.0


@dataclass(frozen=True)
class Sample:
    cycle: int
    rss_mb: float
    open_files: int
    threads: int
    data_mb: dict[str, float]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _folder_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def sample(cycle: int, data_dir: Path) -> Sample:
    parts = {
        p.name: _folder_mb(p) for p in sorted(data_dir.iterdir()) if not p.name.startswith(".")
    }
    return Sample(
        cycle=cycle,
        rss_mb=_rss_mb(),
        open_files=len(os.listdir("/proc/self/fd")),
        threads=len(os.listdir("/proc/self/task")),
        data_mb=parts,
    )


class Samples:
    """What a soak samples at rest between cycles: after the warm-up (with the most open files and
    threads seen at the end of any warm-up cycle: threads come and go, as Qt ends a pool thread
    idle for 30 s and the camera feed and the report run on their own), and every ``every``
    cycles, printed as it goes."""

    def __init__(self, data_dir: Path, *, warm_up: int, every: int, unit: str) -> None:
        self.data_dir, self.warm_up, self.every, self.unit = data_dir, warm_up, every, unit
        self.started = time.perf_counter()
        self.most_files = self.most_threads = 0
        self._warm: Sample | None = None

    def after(self, cycle: int) -> None:
        if cycle <= self.warm_up:
            now = sample(cycle, self.data_dir)
            self.most_files = max(self.most_files, now.open_files)
            self.most_threads = max(self.most_threads, now.threads)
            if cycle == self.warm_up:
                self._warm = replace(now, open_files=self.most_files, threads=self.most_threads)
        if cycle % self.every == 0:
            now = sample(cycle, self.data_dir)
            print(f"  {self.unit} {cycle}: rss {now.rss_mb:.1f} MB, files {now.open_files}, "
                  f"threads {now.threads}, data {sum(now.data_mb.values()):.1f} MB "
                  f"({self.seconds() / cycle:.2f} s/{self.unit})",
                  file=sys.stderr, flush=True)  # fmt: skip

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def warm(self) -> Sample:
        assert self._warm is not None, "the soak ended before its warm-up did"
        return self._warm


def pump_until(app: Any, seconds: float, until: Any) -> None:
    """Run Qt's events until ``until()``, as the kiosk's event loop would, deletions included:
    ``processEvents`` called outside ``exec()`` never runs ``deleteLater``, so without the
    ``DeferredDelete`` pass every widget a visit deletes (the results' chips, finished tasks'
    relays) would stay alive here though the real kiosk frees it (as ``QTest::qWait`` does)."""
    # lazy: Qt loads once the soak starts
    from PySide6.QtCore import QEvent

    deadline = time.monotonic() + seconds
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kiosk did not get there in {seconds:.0f} s")
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        time.sleep(0.002)


def one_visit(app: Any, win: Any, pdf: Any) -> None:
    """attract -> guest -> consent -> capture -> results -> take-away PDF -> reset."""
    win.attract.start_button.click()
    win.sign_in.guest_button.click()
    pump_until(app, 600, lambda: win.stack.currentWidget() is win.consent_screen)
    win.consent_screen.store.setChecked(True)
    win.consent_screen.agree.click()
    pump_until(app, 600, lambda: win.feed.snapshot(prefer_passed=True) is not None)
    win.capture.capture_button.click()
    pump_until(app, 600, lambda: win.stack.currentWidget() is win.results)
    win.results.take_away.emit()
    pump_until(app, 600, lambda: pdf() is not None)
    win.takeaway.finish.emit()
    pump_until(app, 600, lambda: win.stack.currentWidget() is win.attract)


def soak(
    cycles: int, warm_up: int, data_dir: Path, every: int = 50
) -> tuple[Sample, Sample, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.context import AppContext
    from app.kiosk.services import KioskAppServices
    from core.config import load_settings
    from ui.background import Pools
    from ui.kiosk.window import KioskWindow

    app = QApplication.instance() or QApplication([])
    ctx = AppContext(load_settings(data_dir=data_dir))
    ctx.database  # noqa: B018
    pools = Pools()
    win = KioskWindow(KioskAppServices(ctx), pools, camera="demo")
    actions = win.takeaway_actions
    win.resize(1280, 800)
    win.show()
    win.start()
    win.capture.hold_seconds = 3600.0  # capture on the button, as fast as the camera allows
    # Scripted clicks are not input events: without this, a step slowed past the idle time by a
    # busy machine would be reset by the kiosk's own idle timer (correctly, but not what we test).
    pump_until(app, 600, lambda: win.config.clinic_name != "SkinLab")
    win.idle.idle_seconds = 24 * 3600
    samples = Samples(data_dir, warm_up=warm_up, every=every, unit="cycle")
    for cycle in range(1, cycles + 1):
        one_visit(app, win, lambda: actions.pdf)
        # at rest between visits, as a kiosk waits for its next visitor: the reset's own work
        # (purging guest captures, handing freed memory back) runs on the database thread
        pools.db.waitForDone(600_000)
        samples.after(cycle)
    end = sample(cycles, data_dir)
    seconds = samples.seconds()
    win.shut_down()
    win.feed.wait(5.0)
    pools.wait()
    ctx.close()
    return samples.warm(), end, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--every", type=int, default=50, help="print a sample every N visits")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="skinlab-soak-"))
    warm, end, seconds = soak(args.cycles, min(args.warm_up, args.cycles), data_dir, args.every)
    print(f"soak: {args.cycles} kiosk cycles in {seconds / 60:.1f} min "
          f"({seconds / args.cycles:.2f} s each), threads now {threading.active_count()} Python")  # fmt: skip
    return report(warm, end)


def report(warm: Sample, end: Sample) -> int:
    """Print the soak's verdict (memory, open files, threads, the data directory's parts) and
    return the exit status: 0 when memory grew by <= the goal and nothing else grew."""
    rss = end.rss_mb - warm.rss_mb
    print(f"  resident memory after warm-up {warm.rss_mb:.1f} MB, at the end {end.rss_mb:.1f} MB: "
          f"growth {rss:+.1f} MB (goal <= {RSS_GOAL_MB:.0f})")  # fmt: skip
    print(
        f"  open files {warm.open_files} -> {end.open_files}; threads {warm.threads} -> {end.threads}"
    )
    for name in sorted(set(warm.data_mb) | set(end.data_mb)):
        print(
            f"  data {name}: {warm.data_mb.get(name, 0):.2f} -> {end.data_mb.get(name, 0):.2f} MB"
        )
    ok = rss <= RSS_GOAL_MB and end.open_files <= warm.open_files and end.threads <= warm.threads
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
