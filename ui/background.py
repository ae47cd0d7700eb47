"""Run work off the UI thread, with separate success and failure callbacks on the UI thread.

Database work goes through one single-thread pool so writes never race each other; analysis and
network work use the general pool.  Usage::

    BackgroundOp(lambda: services.login(email, pw)).success(on_ok).failure(on_err).run(pools.db)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Relay(QObject):
    """Lives on the UI thread; queued signals carry results back to it."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # reported to the UI; never kills the worker thread
            self.relay.failed.emit(exc)
        else:
            self.relay.succeeded.emit(result)


class BackgroundOp(Generic[T]):
    _alive: ClassVar[set[_Relay]] = set()  # keeps each relay alive until its task reports

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._on_success: Callable[[T], None] = lambda _result: None
        self._on_failure: Callable[[BaseException], None] = _log_failure

    def success(self, callback: Callable[[T], None]) -> BackgroundOp[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> BackgroundOp[T]:
        self._on_failure = callback
        return self

    def run(self, pool: QThreadPool) -> None:
        relay = _Relay()
        BackgroundOp._alive.add(relay)

        def done_ok(result: object) -> None:
            BackgroundOp._alive.discard(relay)
            self._on_success(result)  # type: ignore[arg-type]

        def done_err(exc: object) -> None:
            BackgroundOp._alive.discard(relay)
            self._on_failure(exc)  # type: ignore[arg-type]

        relay.succeeded.connect(done_ok)
        relay.failed.connect(done_err)
        pool.start(_Task(self._fn, relay))


def _log_failure(exc: BaseException) -> None:
    log.error("Background work failed: %s", exc, exc_info=exc)


class Pools:
    """The app's thread pools: one thread for the database, the rest for analysis and network."""

    def __init__(self) -> None:
        self.db = QThreadPool()
        self.db.setMaxThreadCount(1)
        self.work = QThreadPool()
        self.work.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount() - 1))

    def wait(self, msecs: int = 10_000) -> bool:
        return self.db.waitForDone(msecs) and self.work.waitForDone(msecs)
