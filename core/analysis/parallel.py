"""Independent steps of one analysis shared between the calling thread and a few helper threads.

The results are the same whatever the number of threads (each step is a pure function of data the
steps share read-only, and maps they share are computed once: :mod:`core.analysis.once`), so only
the time a person waits changes. The calling thread takes the steps in order and says each one to
``progress`` before it runs or is collected; helpers take them in an order of their own.
``progress`` is only ever called on the calling thread, and raising from it (a cancel) stops the
helpers from taking more: the steps already running finish, then the error is raised.

A desktop import analyses one photo per core in separate processes and passes ``threads=1``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar, cast

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

    def __init__(self, steps: Sequence[Step[T]], helper_order: Sequence[int]) -> None:
        self.steps = steps
        self.helper_order = helper_order
        self.lock = threading.Lock()
        self.taken = [False] * len(steps)
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

    def take(self, index: int) -> bool:
        """Whether step ``index`` was free (it is now taken by the asking thread)."""
        with self.lock:
            if self.taken[index] or self.stopped:
                return False
            self.taken[index] = True
            return True

    def next_for_helper(self) -> int | None:
        with self.lock:
            for index in self.helper_order:
                if not self.taken[index] and not self.stopped:
                    self.taken[index] = True
                    return index
            return None

    def stop(self) -> None:
        with self.lock:
            self.stopped = True


def _help(shared: _Shared[T]) -> None:
    while (index := shared.next_for_helper()) is not None:
        shared.run(index)


def run_steps(
    steps: Sequence[Step[T]],
    *,
    threads: int,
    progress: Callable[[str], None] | None = None,
    helper_order: Sequence[int] | None = None,
) -> list[T]:
    """The results of ``steps`` in their order, computed on up to ``threads`` threads.

    The calling thread takes the steps in their order; helpers take them in ``helper_order``
    (indices; by default from the last step back), so that a helper starts on work that does not
    wait for what the calling thread computes first. Raises the error of the first step (in
    order) that failed, or whatever ``progress`` raised, once no step is running any more."""
    order = list(range(len(steps) - 1, -1, -1)) if helper_order is None else list(helper_order)
    if sorted(order) != list(range(len(steps))):
        raise ValueError(f"helper_order must name each of the {len(steps)} steps once: {order}")
    shared = _Shared(steps, order)
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
            if shared.take(index):
                shared.run(index)
            shared.finished[index].wait()
            error = shared.errors[index]
            if error is not None:
                raise error
    finally:
        shared.stop()
        for helper in helpers:
            helper.join()
    return cast(list[T], shared.results)


class Speculation(Generic[T]):
    """Work started on a helper thread before it is known to be needed: :meth:`result` waits for
    it; :meth:`cancel` asks it to stop at its next check of ``stop`` and does not wait, so a
    caller that no longer needs it goes on at once (the work is pure: nothing it does is kept)."""

    def __init__(self, work: Callable[[threading.Event], T]) -> None:
        self._stop = threading.Event()
        self._done = threading.Event()
        self._result: T | None = None
        self._error: BaseException | None = None
        # not a daemon: a process that ends right after an analysis (the CLI) waits the few ms
        # this takes to stop, instead of tearing down OpenCV or dlib under it (an abort)
        threading.Thread(target=self._run, args=(work,), name="skinlab-speculation").start()

    def _run(self, work: Callable[[threading.Event], T]) -> None:
        try:
            self._result = work(self._stop)
        except BaseException as error:  # handed to the thread that asks for the result
            self._error = error
        finally:
            self._done.set()

    def result(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return cast(T, self._result)

    def cancel(self) -> None:
        self._stop.set()
