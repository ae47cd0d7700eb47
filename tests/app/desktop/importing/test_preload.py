"""The import pool's workers start with the face models loaded (their fork server loaded them once),
and a fork server whose models cannot load still starts."""

from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor

import pytest

from app.desktop.importing import preload
from app.desktop.importing.job import process_context
from app.desktop.importing.worker import set_up_worker
from core.analysis import face


def models_loaded_before_any_photo() -> int:
    """Run in a worker: how many model sets it holds before it was asked to analyse anything."""
    return face._dlib_models.cache_info().currsize


def test_a_new_pools_workers_start_with_the_models_loaded() -> None:
    context = process_context()
    if context.get_start_method() != "forkserver":
        pytest.skip("spawned workers load the models at their first photo (no fork server here)")
    for _ in range(2):  # the second pool too: each one's workers are new processes
        with ProcessPoolExecutor(1, mp_context=context, initializer=set_up_worker) as pool:
            assert pool.submit(models_loaded_before_any_photo).result(timeout=120) == 1


def test_models_that_cannot_load_leave_the_fork_server_starting(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing() -> None:
        raise face.AnalysisError("The face landmark model is missing")

    monkeypatch.setattr(face, "load_models", missing)
    with caplog.at_level(logging.WARNING, logger=preload.__name__):
        assert preload.warm() is False
    assert "could not preload the face models" in caplog.text


def test_models_that_load_are_loaded() -> None:
    assert preload.warm() is True
    assert face._dlib_models.cache_info().currsize == 1
