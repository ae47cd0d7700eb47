"""One import run: files analysed in a process pool on every core, results saved as they come.

A coordinator thread (never the UI thread) submits the files, largest first, takes the answers in
the order they finish (all those finished by then, together), saves them through
:class:`ImportSaver` and tells the listener of each file. When every worker is analysing (more than
one), it holds an answer up to :data:`HOLD_SECONDS` for others to save with it (at most
:data:`BATCH_MOST`): this process's CPU then competes with the workers for the cores, and a photo
saved in a batch of four costs about half the CPU of one saved alone (``docs/benchmarks.md``).
With one worker the answers are saved as they come: the saving has a core the worker does not
use. Workers start with the ``forkserver`` method where the platform has it (a clean process, not
a copy of this one with its Qt and database threads; it preloads the engine and its models for
them), else ``spawn``. Cancelling drops the files not started; answers still arriving are not
saved. A patient erased during the run stops it (nothing more is saved). At the end of a run the
memory its answers took (photos, thumbnails) goes back to the system (``core.memory``): a desktop
stays open all day.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from app.desktop.importing.errors import PatientGoneError
from app.desktop.importing.saving import ImportSaver, ToSave
from app.desktop.importing.worker import Analysed, Failed, Outcome, analyse_file, set_up_worker
from core.errors import AuthError, SkinLabError
from core.memory import release_free_memory
from ui.desktop.importing.ports import (
    Ending,
    FileOutcome,
    ImportFinished,
    ImportItem,
    ImportProgress,
    Listener,
)

log = logging.getLogger(__name__)
PRELOAD_MODULE = "app.desktop.importing.preload"
HOLD_SECONDS = 0.4
"""Longest an answer waits for others to be saved with it (its line in the list waits as long)."""
BATCH_MOST = 8


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def process_context() -> Any:
    """``forkserver`` (its workers start with the engine and its models loaded,
    :mod:`app.desktop.importing.preload`), else ``spawn``; never a bare fork of a process that
    runs Qt and database threads."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD_MODULE])
        return context
    return multiprocessing.get_context("spawn")


def largest_first(items: tuple[ImportItem, ...]) -> list[ImportItem]:
    """The order to hand files to the workers: the largest (slowest to analyse) first, so that
    the run does not end with one worker on a big photo while the others have nothing left."""

    def size(item: ImportItem) -> int:
        try:
            return item.path.stat().st_size
        except OSError:  # the worker reports it as unreadable
            return 0

    return sorted(items, key=size, reverse=True)


TURN_WORDS = {  # degrees anticlockwise, as the engine's face.turned_degrees
    90: "a quarter turn anticlockwise",
    180: "half a turn",
    270: "a quarter turn clockwise",
}


def _turned_note(analysed: Analysed) -> str:
    notes = []
    if analysed.turned:
        notes.append(
            f"Turned upright ({TURN_WORDS.get(analysed.turned, f'{analysed.turned}°')}): the face "
            "was not upright and the file had no orientation tag."
        )
    if analysed.warnings:
        notes.append("Photo quality: " + " ".join(analysed.warnings))
    return " ".join(notes)


class ImportJob:
    def __init__(
        self,
        *,
        saver: ImportSaver,
        items: tuple[ImportItem, ...],
        listener: Listener,
        workers: int | None = None,
    ) -> None:
        self.saver = saver
        self.items = items
        self.listener = listener
        self.workers = max(1, min(workers or default_workers(), len(items) or 1))
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="skinlab-import", daemon=True)
        self._pool: ProcessPoolExecutor | None = None
        self.saved = self.failed = 0
        self.hold = HOLD_SECONDS if self.workers > 1 else 0.0

    def start(self) -> ImportJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()
        pool = self._pool
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- the coordinator thread ------------------------------------------------------------------
    def _run(self) -> None:
        ending: Ending = "done"
        message = ""
        done = 0
        started = time.monotonic()
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=process_context(), initializer=set_up_worker
            )
            futures: dict[Future[Outcome], ImportItem] = {
                self._pool.submit(analyse_file, str(item.path)): item
                for item in largest_first(self.items)
            }
            order = {future: n for n, future in enumerate(futures)}
            pending = set(futures)
            while pending and ending == "done":
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                finished, pending = self._gather(finished, pending)
                if self._cancel.is_set() or any(f.cancelled() for f in finished):
                    ending = "cancelled"
                    break
                batch = sorted(finished, key=order.__getitem__)
                for outcome in self._settle([(f, futures[f]) for f in batch]):
                    done += 1
                    self._tell(done, started, outcome)
        except (PatientGoneError, AuthError) as exc:
            ending, message = "stopped", exc.message
        except Exception as exc:  # reported to the person; the details go to the log
            log.error("The import stopped on an unexpected error", exc_info=exc)
            ending, message = "stopped", f"The import stopped ({type(exc).__name__})."
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
        if self._cancel.is_set():
            ending = "cancelled"
        total = len(self.items)
        self.listener(
            ImportFinished(
                ending=ending,
                saved=self.saved,
                failed=self.failed,
                not_done=total - self.saved - self.failed,
                message=message or self._summary(ending, total),
            )
        )
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)  # no worker outlives the run
        release_free_memory()

    def _gather(
        self, finished: set[Future[Outcome]], pending: set[Future[Outcome]]
    ) -> tuple[set[Future[Outcome]], set[Future[Outcome]]]:
        """``finished`` and the answers that follow within :attr:`hold` seconds (at most
        :data:`BATCH_MOST` in all), to be saved in one go; stops early on a cancel."""
        deadline = time.monotonic() + self.hold
        while pending and len(finished) < BATCH_MOST and not self._cancel.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            more, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
            if not more:
                break
            finished = finished | more
            if any(f.cancelled() for f in more):
                break
        return finished, pending

    def _settle(self, batch: list[tuple[Future[Outcome], ImportItem]]) -> list[FileOutcome]:
        """Save the analysed files of ``batch`` together; each file's line, in ``batch``'s order.
        A patient gone or a right to write lost raises (nothing of the batch is saved)."""
        outcomes: list[Outcome] = []
        for future, item in batch:
            try:
                outcomes.append(future.result())
            except BrokenProcessPool:
                outcomes.append(
                    Failed(str(item.path), "worker_stopped", "The analysis process stopped.")
                )
        analysed = [
            (item, o)
            for (_f, item), o in zip(batch, outcomes, strict=True)
            if isinstance(o, Analysed)
        ]
        to_save = [ToSave(o, item.visit, item.source) for item, o in analysed]
        try:
            saved: list[str | SkinLabError] = self.saver.save_many(to_save)
        except (PatientGoneError, AuthError):
            raise
        except SkinLabError as exc:  # the disk, say: these files failed; the next may not
            saved = [exc] * len(to_save)
        results = dict(zip((id(o) for _item, o in analysed), saved, strict=True))
        lines = []
        for (_f, item), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Failed):
                self.failed += 1
                lines.append(FileOutcome(item.path, False, outcome.code, outcome.message))
                continue
            result = results[id(outcome)]
            if isinstance(result, SkinLabError):
                self.failed += 1
                lines.append(FileOutcome(item.path, False, result.code, result.message))
            else:
                self.saved += 1
                lines.append(FileOutcome(item.path, True, "saved", _turned_note(outcome), result))
        return lines

    def _tell(self, done: int, started: float, outcome: FileOutcome) -> None:
        total = len(self.items)
        elapsed = time.monotonic() - started
        eta = (total - done) * elapsed / done if done else None
        self.listener(
            ImportProgress(
                done=done,
                total=total,
                saved=self.saved,
                failed=self.failed,
                eta_seconds=eta,
                outcome=outcome,
            )
        )

    def _summary(self, ending: Ending, total: int) -> str:
        counts = f"{self.saved} saved, {self.failed} not imported"
        if ending == "cancelled":
            return f"Import cancelled: {counts}, {total - self.saved - self.failed} not started."
        return f"Import finished: {counts}."
