"""Independent steps of one analysis shared between the calling thread and a few helper threads.

The results are the same whatever the number of threads (each step is a pure function of data the
steps share read-only, and maps they share are computed once: :mod:`core.analysis.once`), so only
the time a person waits changes. The calling thread takes the steps from the front, in order, and
says each one to ``progress`` before it runs or is collected; helpers take them from the back.
``progress`` is only ever called on the calling thread, and raising from it (a cancel) stops the
helpers from taking more: the steps already running finish, then the error is raised.

A desktop import analyses one photo per core in separate processes and passes ``threads=1``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

T = TypeVar("T")

MAX_THREADS: Final = 2
"""Threads one analysis uses at most by default. Two halve the measures' time on this project's
2-core machines (docs/benchmarks.md, "One analysis on two threads"); more were not measured."""


def default_threads() -> int:
    """Threads one analysis uses unless told: the machine's cores, at most :data:`MAX_THREADS`."""
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


def checked_threads(threads: int | None) -> int:
    """``threads`` if it is a usable number of threads, :func:`default_threads` for ``None``."""
    if threads is None:
        return default_threads()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a whole number of at least 1, not {threads!r}")
    return threads


@dataclass(frozen=True)
class Step(Generic[T]):
    """One independent piece of work; ``label`` (if any) is what ``progress`` hears as it starts."""

    run: Callable[[], T]
    label: str | None = None


class _Shared(Generic[T]):
    """The steps' state: which are taken, their results or errors, and who waits for whom."""

    def __init__(self, steps: Sequence[Step[T]]) -> None:
        self.steps = steps
        self.lock = threading.Lock()
        self.front = 0
        self.back = len(steps) - 1
        self.stopped = False
        self.results: list[T | None] = [None] * len(steps)
        self.errors: list[BaseException | None] = [None] * len(steps)
        self.finished = [threading.Event() for _ in steps]

    def run(self, index: int) -> None:
        try:
            self.results[index] = self.steps[index].run()
        except BaseException as error:  # handed to the calling thread to raise
            self.errors[index] = error
        finally:
            self.finished[index].set()

    def take_back(self) -> int | None:
        with self.lock:
            if self.stopped or self.back < self.front:
                return None
            self.back -= 1
            return self.back + 1

    def take_front(self, index: int) -> bool:
        """Whether the calling thread may run step ``index`` itself (no helper has taken it)."""
        with self.lock:
            if index <= self.back:
                self.front = index + 1
                return True
            return False

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self.back = self.front - 1


def _help(shared: _Shared[T]) -> None:
    while (index := shared.take_back()) is not None:
        shared.run(index)


def run_steps(
    steps: Sequence[Step[T]],
    *,
    threads: int,
    progress: Callable[[str], None] | None = None,
) -> list[T]:
    """The results of ``steps`` in their order, computed on up to ``threads`` threads.

    Raises the error of the first step (in order) that failed, or whatever ``progress`` raised,
    once no step is running any more."""
    shared = _Shared(steps)
    helpers = [
        threading.Thread(target=_help, args=(shared,), name="skinlab-analysis", daemon=True)
        for _ in range(min(threads, len(steps)) - 1)
    ]
    for helper in helpers:
        helper.start()
    try:
        for index, step in enumerate(steps):
            if step.label is not None and progress is not None:
                progress(step.label)
            if shared.take_front(index):
                shared.run(index)
            shared.finished[index].wait()
            error = shared.errors[index]
            if error is not None:
                raise error
    finally:
        shared.stop()
        for helper in helpers:
            helper.join()
    return [result for result in shared.results]  # type: ignore[misc]
