"""An unhandled exception in the kiosk is logged with its traceback in the data directory, the
person sees one short sentence, and the kiosk goes back to its attract screen by itself."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from app.context import AppContext
from app.faults import SORRY, install_fault_handler
from app.kiosk.app import return_to_attract
from tests.helpers.kiosk import TIMEOUT
from ui.kiosk.window import KioskWindow


@pytest.fixture
def restore_hooks() -> Iterator[None]:
    saved = sys.excepthook, threading.excepthook
    yield
    sys.excepthook, threading.excepthook = saved


@pytest.mark.qt_no_exception_capture
def test_a_crash_in_a_screen_returns_to_attract_and_is_logged(
    qtbot: Any,
    make_window: Callable[..., KioskWindow],
    ctx: AppContext,
    restore_hooks: None,
) -> None:
    win = make_window()
    return_to_attract(win)
    win.attract.start.emit()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.sign_in, timeout=TIMEOUT)
    token = win.visits.token()

    def broken_slot() -> None:
        raise RuntimeError("a bug in a screen")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.attract, timeout=TIMEOUT)
    assert not token.is_current()  # the visit was forgotten, as on an idle reset
    assert win.attract.notice.isVisibleTo(win) and win.attract.notice.text() == SORRY
    log = (ctx.paths.logs / "skinlab.log").read_text()
    assert "Unhandled exception" in log and "RuntimeError: a bug in a screen" in log
    assert "Traceback" in log and "broken_slot" in log
    # The next visitor starts clean: the note goes with the first touch.
    win.attract.start.emit()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.sign_in, timeout=TIMEOUT)
    assert not win.attract.notice.isVisibleTo(win)


def test_an_exception_in_a_thread_is_logged(ctx: AppContext, restore_hooks: None) -> None:
    recovered: list[str] = []
    install_fault_handler(recovered.append)
    ctx.paths  # noqa: B018  (opens the log)

    def fail() -> None:
        raise ValueError("thread bug")

    thread = threading.Thread(target=fail, name="worker-x")
    thread.start()
    thread.join()
    log = (ctx.paths.logs / "skinlab.log").read_text()
    assert "Unhandled exception in thread worker-x" in log and "ValueError: thread bug" in log
