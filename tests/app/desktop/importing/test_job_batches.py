"""Answers that finish together are saved together when every worker is analysing (the UI
process's saving then competes with them for the cores); with one worker, each as it comes."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

from app.context import AppContext
from app.desktop.importing.job import BATCH_MOST, ImportJob
from app.desktop.importing.saving import ImportSaver
from app.desktop.importing.worker import Failed, Outcome
from core.config import load_settings
from ui.desktop.importing.ports import ImportEvent, ImportItem

VISIT = datetime(2026, 3, 4, tzinfo=UTC)


def _job(tmp_path: Path, workers: int) -> ImportJob:
    ctx = AppContext(load_settings(data_dir=tmp_path / "data"))
    saver = ImportSaver(ctx, actor_id=None, patient_id=None, patient_name="Pat Doe")  # type: ignore[arg-type]
    items = tuple(ImportItem(tmp_path / f"{n}.jpg", VISIT, "file") for n in range(BATCH_MOST + 4))
    heard: list[ImportEvent] = []
    return ImportJob(saver=saver, items=items, listener=heard.append, workers=workers)


def _done(n: int) -> Future[Outcome]:
    future: Future[Outcome] = Future()
    future.set_result(Failed(f"{n}.jpg", "unreadable_file", "test"))
    return future


def test_with_every_worker_busy_the_answers_that_follow_are_taken_together(
    tmp_path: Path,
) -> None:
    job = _job(tmp_path, workers=2)
    first, second, third = _done(1), _done(2), _done(3)
    running: Future[Outcome] = Future()  # a file still being analysed
    finished, pending = job._gather({first}, {second, third, running})
    assert finished == {first, second, third}
    assert pending == {running}


def test_with_one_worker_each_answer_is_saved_as_it_comes(tmp_path: Path) -> None:
    job = _job(tmp_path, workers=1)
    assert job.hold == 0
    first, second = _done(1), _done(2)
    finished, pending = job._gather({first}, {second})
    assert finished == {first} and pending == {second}


def test_a_cancel_stops_the_gathering_at_once(tmp_path: Path) -> None:
    job = _job(tmp_path, workers=2)
    first, second = _done(1), _done(2)
    job.cancel()
    finished, pending = job._gather({first}, {second})
    assert finished == {first} and pending == {second}


def test_a_cancelled_file_ends_the_gathering(tmp_path: Path) -> None:
    job = _job(tmp_path, workers=2)
    first, dropped, running = _done(1), Future[Outcome](), Future[Outcome]()
    assert dropped.cancel()  # what the pool's shutdown does to files not started,
    assert not dropped.set_running_or_notify_cancel()  # and then its queue when it reaches one
    finished, pending = job._gather({first}, {dropped, running})
    assert finished == {first, dropped} and pending == {running}
