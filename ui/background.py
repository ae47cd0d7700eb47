"""Run work off the UI thread; its result or failure comes back on the UI thread.

Database work goes through one single-thread pool so writes never race each other; analysis and
network work use the general pool.  Usage::

    BackgroundOp(lambda: services.sign_in(email, pw), parent=self)
        .while_current(self.visits.token())      # dropped if the visit has moved on
        .success(self.show_home)
        .messages_to(self.sign_in.show_error)     # optional: where a failure's sentence goes
        .run(pools.db)

With no ``failure`` handler a failure is shown to the person, as Anki's ``CollectionOp`` calls
``show_exception``: a :class:`~core.errors.SkinLabError` shows its own ``message``, anything else a
generic sentence (and is logged with its traceback). The sentence goes to ``messages_to``'s
callback, else to the nearest :class:`MessageTarget` among ``parent`` and its ancestors (a toast,
a status line), else to a message box over ``parent``'s window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from PySide6 import QtCore
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

from core.errors import SkinLabError

log = logging.getLogger(__name__)
T = TypeVar("T")

GENERIC_FAILURE = "Something went wrong ({name}). The details are in the log file."


def failure_message(exc: BaseException, *, generic: str = GENERIC_FAILURE) -> str:
    """The sentence for a person: a typed error's own message; anything else is a bug, logged
    here with its traceback and told as ``generic`` (``{name}`` is the exception's type)."""
    if isinstance(exc, SkinLabError):
        log.info("Shown to the person: %s (%s)", exc.message, exc.code)
        return exc.message
    log.error("Unexpected failure in background work", exc_info=exc)
    return generic.format(name=type(exc).__name__)


@runtime_checkable
class MessageTarget(Protocol):
    """A widget that shows a sentence where the person is looking (a toast, a status line)."""

    def show_message(self, text: str) -> None: ...


class Generation:
    """Counts the contexts a screen goes through (a kiosk visit, an open record): work started
    under an older :class:`Token` delivers nothing once the count has moved on."""

    def __init__(self) -> None:
        self._count = 0

    def advance(self) -> None:
        self._count += 1

    def token(self) -> Token:
        return Token(self, self._count)


class Token:
    """The generation at the moment work started."""

    __slots__ = ("_count", "_generation")

    def __init__(self, generation: Generation, count: int) -> None:
        self._generation = generation
        self._count = count

    def is_current(self) -> bool:
        return self._count == self._generation._count


class _Relay(QObject):
    """Lives on the UI thread; queued signals carry results back to it."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn: Callable[[], Any] | None = fn
        self.relay: _Relay | None = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        # PySide6 keeps this Python object alive after the pool deletes the task: let go of the
        # work and its relay, or every result (a kiosk visit's photos: ~12 MB) stays in memory.
        fn, relay = self.fn, self.relay
        self.fn = self.relay = None
        assert fn is not None and relay is not None
        try:
            result = fn()
        except BaseException as exc:  # reported to the UI; never kills the worker thread
            relay.failed.emit(exc)
        else:
            relay.succeeded.emit(result)


class BackgroundOp(Generic[T]):
    """One piece of work for a pool, with what to do on the UI thread when it ends."""

    _alive: ClassVar[set[_Relay]] = set()  # keeps each relay alive until its task reports

    def __init__(
        self,
        fn: Callable[[], T],
        *,
        parent: QWidget | None = None,
        describe: Callable[[BaseException], str] = failure_message,
    ) -> None:
        self._fn = fn
        self._parent = parent
        self._describe = describe
        self._on_success: Callable[[T], object] = lambda _result: None
        self._on_failure: Callable[[BaseException], object] | None = None
        self._sink: Callable[[str], object] | None = None
        self._on_progress: Callable[[str], object] | None = None
        self._token: Token | None = None
        self._relay: _Relay | None = None

    def success(self, callback: Callable[[T], object]) -> BackgroundOp[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], object]) -> BackgroundOp[T]:
        """Handle the failure yourself (and log it): nothing is shown by default then."""
        self._on_failure = callback
        return self

    def messages_to(self, sink: Callable[[str], object]) -> BackgroundOp[T]:
        """Show a failure's sentence with ``sink`` (e.g. a screen's ``show_error``)."""
        self._sink = sink
        return self

    def while_current(self, token: Token) -> BackgroundOp[T]:
        """Deliver the result or failure only while ``token``'s generation has not moved on."""
        self._token = token
        return self

    def progress(self, callback: Callable[[str], object]) -> BackgroundOp[T]:
        """Hear, on the UI thread, each stage the work announces with :meth:`report`."""
        self._on_progress = callback
        return self

    def report(self, stage: str) -> None:
        """Announce a stage from the work itself (any thread); dropped once the op is stale."""
        if self._relay is not None:
            self._relay.progressed.emit(stage)

    def run(self, pool: QThreadPool) -> None:
        self._relay = relay = _Relay()
        BackgroundOp._alive.add(relay)

        def progressed(stage: str) -> None:
            if self._on_progress is not None and not self._stale():
                self._on_progress(stage)

        def finished() -> None:
            # Disconnect and delete the relay: its connections hold these closures, and through
            # them the work and its result, for as long as the relay lives.
            BackgroundOp._alive.discard(relay)
            self._relay = None
            relay.succeeded.disconnect()
            relay.failed.disconnect()
            relay.progressed.disconnect()
            relay.deleteLater()

        def done_ok(result: object) -> None:
            finished()
            if self._stale():
                log.debug("Result dropped: the screen has moved on")
                return
            self._on_success(result)  # type: ignore[arg-type]

        def done_err(exc: object) -> None:
            finished()
            assert isinstance(exc, BaseException)
            if self._stale():
                if not isinstance(exc, SkinLabError):
                    log.warning("Failure dropped: the screen has moved on", exc_info=exc)
                return
            self._fail(exc)

        relay.succeeded.connect(done_ok)
        relay.failed.connect(done_err)
        relay.progressed.connect(progressed)
        pool.start(_Task(self._fn, relay))

    def _stale(self) -> bool:
        return self._token is not None and not self._token.is_current()

    def _fail(self, exc: BaseException) -> None:
        if self._on_failure is not None:
            self._on_failure(exc)
            return
        text = self._describe(exc)
        if self._sink is not None:
            self._sink(text)
            return
        show_message(self._parent, text)


def show_message(parent: QWidget | None, text: str) -> None:
    """``text`` on the nearest :class:`MessageTarget` from ``parent`` up, else in a message box
    over ``parent``'s window (the active window without a parent); it never blocks the UI thread.
    A ``parent`` that has been deleted has moved on: the text is only logged."""
    if parent is not None and not isValid(parent):
        log.warning("Message for a closed screen not shown: %s", text)
        return
    widget = parent
    while widget is not None:
        if isinstance(widget, MessageTarget):
            widget.show_message(text)
            return
        widget = widget.parentWidget()
    owner = parent.window() if parent is not None else QApplication.activeWindow()
    box = QMessageBox(QMessageBox.Icon.Warning, "SkinLab", text, parent=owner)
    # ``QtCore.Qt`` when a box is shown, not at import: it builds ~130 enum classes (basics.py)
    box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    if owner is None:  # nobody owns it in Qt: keep it alive until it is closed
        _unowned_boxes.add(box)
        box.finished.connect(lambda _result: _unowned_boxes.discard(box))
    box.open()


_unowned_boxes: set[QMessageBox] = set()


class Pools:
    """The app's thread pools: one thread for the database, the rest for analysis and network."""

    def __init__(self) -> None:
        self.db = QThreadPool()
        self.db.setMaxThreadCount(1)
        self.work = QThreadPool()
        self.work.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount() - 1))

    def wait(self, msecs: int = 10_000) -> bool:
        return self.db.waitForDone(msecs) and self.work.waitForDone(msecs)
