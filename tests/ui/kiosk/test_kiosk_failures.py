"""Failures nobody handles reach the person as a toast; answers for a visit that was reset do not."""

from __future__ import annotations

import threading

from sqlalchemy import text

from tests.helpers.kiosk import TIMEOUT, pump


def _enter(win, pin: str) -> None:
    for digit in pin:
        win.pin._key(digit)
    win.pin._key("OK")


def test_a_damaged_database_under_the_staff_screen_shows_a_toast(qtbot, make_window, services, ctx):
    services.set_pin("246810")
    win = make_window("demo")
    win.config = services.config()
    with ctx.database.write() as session:  # a damaged database: the sync tables are gone
        session.execute(text("DROP TABLE sync_conflicts"))
    win.attract.admin_button.click()
    _enter(win, "246810")
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.admin, timeout=TIMEOUT)
    qtbot.waitUntil(win.toast.isVisible, timeout=TIMEOUT)  # the sync status has no handler
    assert win.toast.text() == "The database cannot be used: no such table: sync_conflicts"
    assert win.toast.geometry().bottom() < win.height()
    win.admin.done_button.click()
    assert not win.toast.isVisible() and win.toast.text() == ""


def test_an_answer_for_a_visit_that_was_reset_is_dropped(qtbot, make_window, services):
    gate = threading.Event()
    checked: list[str] = []
    real = services.check_pin

    def slow_check(pin: str) -> None:
        gate.wait(TIMEOUT / 1000)
        checked.append(pin)
        real(pin)

    services.set_pin("246810")
    services.check_pin = slow_check
    win = make_window("demo")
    win.config = services.config()
    win.attract.admin_button.click()
    _enter(win, "246810")
    win.pin.cancelled.emit()  # the person walks away before the PIN is checked: reset
    assert win.stack.currentWidget() is win.attract
    gate.set()
    qtbot.waitUntil(lambda: checked == ["246810"], timeout=TIMEOUT)
    pump(qtbot, 0.3)
    assert win.stack.currentWidget() is win.attract, "the staff screen must not open by itself"
