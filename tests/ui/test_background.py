"""BackgroundOp on real widgets and real thread pools: results come back on the UI thread, a failure
without a handler is shown to the person, and work of a screen that has moved on is dropped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread, QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QVBoxLayout, QWidget
from shiboken6 import isValid

from core.errors import ValidationError
from ui.background import BackgroundOp, Generation, show_message

TIMEOUT = 10_000


class Screen(QWidget):
    """A screen that shows messages on its own status line (a ``MessageTarget``)."""

    def __init__(self) -> None:
        super().__init__()
        self.status = QLabel()
        self.button = QLabel("inside")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.button)

    def show_message(self, text: str) -> None:
        self.status.setText(text)


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    """One worker thread, so ops finish in the order they were started."""
    made = QThreadPool()
    made.setMaxThreadCount(1)
    yield made
    assert made.waitForDone(TIMEOUT), "background work still running after the test"


def _boxes() -> list[QMessageBox]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return [w for w in app.allWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _bad_email() -> str:
    raise ValidationError("That email address is not valid.")


def _bug() -> str:
    raise RuntimeError("index out of range in the report builder")


def test_success_is_delivered_on_the_ui_thread(qtbot, pool) -> None:
    got: list[tuple[int, bool]] = []
    BackgroundOp(lambda: 6 * 7).success(
        lambda value: got.append(
            (value, QThread.currentThread() is QApplication.instance().thread())
        )
    ).run(pool)
    qtbot.waitUntil(lambda: bool(got), timeout=TIMEOUT)
    assert got == [(42, True)]


def test_typed_failure_without_handler_shows_its_message_on_the_screen(qtbot, pool) -> None:
    screen = Screen()
    qtbot.addWidget(screen)
    # The op belongs to a widget inside the screen: the nearest message target up the tree shows it.
    BackgroundOp(_bad_email, parent=screen.button).run(pool)
    qtbot.waitUntil(lambda: screen.status.text() != "", timeout=TIMEOUT)
    assert screen.status.text() == "That email address is not valid."
    assert not _boxes()


def test_unexpected_failure_without_target_opens_a_message_box_and_logs_the_traceback(
    qtbot, pool, caplog
) -> None:
    window = QWidget()
    child = QLabel("no message target here", window)
    qtbot.addWidget(window)
    window.show()
    with caplog.at_level(logging.ERROR, logger="ui.background"):
        BackgroundOp(_bug, parent=child).run(pool)
        qtbot.waitUntil(lambda: bool(_boxes()), timeout=TIMEOUT)
    (box,) = _boxes()
    assert box.parentWidget() is window
    assert box.text() == ("Something went wrong (RuntimeError). The details are in the log file.")
    assert "report builder" not in box.text()  # the person never sees internals
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is RuntimeError
    box.close()


def test_a_failure_handler_replaces_the_default(qtbot, pool) -> None:
    screen = Screen()
    qtbot.addWidget(screen)
    handled: list[BaseException] = []
    BackgroundOp(_bad_email, parent=screen).failure(handled.append).run(pool)
    qtbot.waitUntil(lambda: bool(handled), timeout=TIMEOUT)
    assert isinstance(handled[0], ValidationError)
    assert screen.status.text() == ""


def test_messages_to_and_a_custom_wording(qtbot, pool) -> None:
    said: list[str] = []
    BackgroundOp(_bad_email).messages_to(said.append).run(pool)
    BackgroundOp(_bug, describe=lambda exc: f"Ask at the desk ({type(exc).__name__}).").messages_to(
        said.append
    ).run(pool)
    qtbot.waitUntil(lambda: len(said) == 2, timeout=TIMEOUT)
    assert said == ["That email address is not valid.", "Ask at the desk (RuntimeError)."]


def test_results_of_a_screen_that_moved_on_are_dropped(qtbot, pool) -> None:
    screen = Screen()
    qtbot.addWidget(screen)
    visits = Generation()
    gate = threading.Event()
    stale: list[object] = []
    fresh: list[str] = []

    def slow(value: str) -> str:
        gate.wait(TIMEOUT / 1000)
        return value

    old = visits.token()
    BackgroundOp(lambda: slow("old visit"), parent=screen).while_current(old).success(
        stale.append
    ).run(pool)
    BackgroundOp(_bad_email, parent=screen).while_current(old).failure(stale.append).run(pool)
    BackgroundOp(_bad_email, parent=screen).while_current(old).run(pool)  # default: not shown
    visits.advance()
    assert not old.is_current() and visits.token().is_current()
    BackgroundOp(lambda: "new visit").while_current(visits.token()).success(fresh.append).run(pool)
    gate.set()
    # One worker: the new visit's answer comes after the three old ones, so they have arrived.
    qtbot.waitUntil(lambda: bool(fresh), timeout=TIMEOUT)
    qtbot.wait(20)
    assert fresh == ["new visit"]
    assert stale == []
    assert screen.status.text() == ""
    assert not _boxes()


def test_progress_arrives_on_the_ui_thread_before_the_result(qtbot, pool) -> None:
    events: list[str] = []

    def work() -> str:
        op.report("Finding your face")
        op.report("Measuring redness")
        return "done"

    op = BackgroundOp(work).progress(events.append).success(events.append)
    op.run(pool)
    qtbot.waitUntil(lambda: "done" in events, timeout=TIMEOUT)
    assert events == ["Finding your face", "Measuring redness", "done"]


def test_a_message_for_a_closed_screen_is_logged_not_shown(qtbot, caplog) -> None:
    screen = Screen()
    screen.deleteLater()
    qtbot.waitUntil(lambda: not isValid(screen), timeout=TIMEOUT)
    with caplog.at_level(logging.WARNING, logger="ui.background"):
        show_message(screen, "Your report could not be saved.")
    assert not _boxes()
    assert "Your report could not be saved." in caplog.text


def test_a_message_without_any_parent_goes_to_a_message_box(qtbot) -> None:
    show_message(None, "The printer is out of paper.")
    qtbot.waitUntil(lambda: bool(_boxes()), timeout=TIMEOUT)
    (box,) = _boxes()
    assert box.text() == "The printer is out of paper."
    box.close()
