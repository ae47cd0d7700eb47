"""CPU seconds of this (the UI) process and of the import's worker processes, for one import.

Wall-clock ratios on a shared machine follow other people's load; CPU seconds per process do not.
What the UI process spends while the workers analyse is the part of an import that a second core
cannot share (Amdahl): its share of all the CPU the import took is what limits the speed-up.

Linux only (``/proc``). The workers are children of the pool's fork server, which reaps them: once
they have exited, their CPU time is in the fork server's ``cutime`` and ``cstime``, so the sum is
exact (no sampling) when read after the pool has shut down.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuTimes:
    ui_process: float
    """Every thread of this process: the UI thread, the import thread, the file writers."""
    ui_thread: float
    workers: float
    """The fork server and every worker it started and reaped."""

    def __sub__(self, other: CpuTimes) -> CpuTimes:
        return CpuTimes(
            self.ui_process - other.ui_process,
            self.ui_thread - other.ui_thread,
            self.workers - other.workers,
        )

    @property
    def ui_share(self) -> float:
        """The UI process's part of all the import's CPU time (0..1)."""
        total = self.ui_process + self.workers
        return self.ui_process / total if total else 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def fork_server() -> int | None:
    """The pid of this process's multiprocessing fork server, once it runs."""
    for pid in _children(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in command:
            return pid
    return None


def _with_reaped(pid: int) -> float:
    """A process's own CPU seconds plus those of its children it has reaped."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(f) for f in fields[11:15]) / TICK  # utime, stime, cutime, cstime


def wait_workers_gone(server: int, timeout: float = 30.0) -> None:
    """Until the fork server has no child left (each one's CPU time is then in its total)."""
    deadline = time.monotonic() + timeout
    while _children(server) and time.monotonic() < deadline:
        time.sleep(0.02)


def snapshot(server: int | None) -> CpuTimes:
    """Call on the UI thread."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return CpuTimes(
        ui_process=own.ru_utime + own.ru_stime,
        ui_thread=time.thread_time(),
        workers=_with_reaped(server) if server is not None else 0.0,
    )
