"""The staff screen behind a PIN: wrong PIN refused, settings saved, the PIN never stored; wrong
PINs delayed more each time, then locked out (through a reset too), every failure audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.kiosk.config import PinRulesError
from core.audit import actions
from core.storage.models import AuditEvent
from core.storage.repositories.audit import verify_database
from tests.helpers.kiosk import TIMEOUT


class Clock:
    """The PIN guard's clock, moved by the test (no test waits out a real delay)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _enter(qtbot, win, pin: str) -> None:
    for digit in pin:
        win.pin._key(digit)
    win.pin._key("OK")


def test_pin_then_settings(qtbot, make_window, services, ctx):
    win = make_window("demo")
    win.attract.admin_button.click()
    assert "No staff PIN is set" in win.pin.error.text()
    services.set_pin("246810")
    win.config = services.config()
    services.pins.clock = clock = Clock()
    _enter(qtbot, win, "111111")
    qtbot.waitUntil(lambda: win.pin.error.text() == "Wrong PIN. 4 tries left.", timeout=TIMEOUT)
    clock.now += 1
    _enter(qtbot, win, "246810")
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.admin, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: win.admin.sync_headline.text() != "", timeout=TIMEOUT)
    assert "Not connected" in win.admin.sync_headline.text()
    win.admin.idle.setValue(45)
    win.admin.clinic.setText("Clinique du Parc")
    win.admin.save_button.click()
    qtbot.waitUntil(lambda: win.admin.status.text() == "Saved.", timeout=TIMEOUT)
    assert win.idle.idle_seconds == 45
    assert win.attract.clinic.text() == "Clinique du Parc"
    stored = json.loads((ctx.settings.data_dir / "kiosk.json").read_text())
    assert stored["idle_seconds"] == 45
    assert "246810" not in json.dumps(stored) and stored["pin_hash"].startswith("$argon2id$")
    win.admin.logo.setText("/nowhere/logo.png")
    win.admin.save_button.click()
    qtbot.waitUntil(lambda: "does not exist" in win.admin.status.text(), timeout=TIMEOUT)
    win.admin.done_button.click()
    assert win.stack.currentWidget() is win.attract


def _pin_error(qtbot, win, pin: str) -> str:
    win.pin.show_error("")
    _enter(qtbot, win, pin)
    qtbot.waitUntil(lambda: win.pin.error.text() != "", timeout=TIMEOUT)
    assert win.stack.currentWidget() is win.pin
    return win.pin.error.text()


def test_wrong_pins_wait_longer_each_time_then_lock_and_are_audited(
    qtbot, make_window, services, ctx
):
    services.set_pin("246810")
    services.pins.clock = clock = Clock()
    win = make_window("demo")
    win.config = services.config()
    win.attract.admin_button.click()
    assert _pin_error(qtbot, win, "2468") == "Wrong PIN. 4 tries left."  # 4 digits: never right
    assert _pin_error(qtbot, win, "246810") == "Please wait 1 s before trying again."
    clock.now += 1
    assert _pin_error(qtbot, win, "000000") == "Wrong PIN. 3 tries left."
    clock.now += 1.5
    assert _pin_error(qtbot, win, "246810") == "Please wait 1 s before trying again."
    clock.now += 0.5  # the delays double: 1, 2, 4, 8 s
    assert _pin_error(qtbot, win, "000001") == "Wrong PIN. 2 tries left."
    clock.now += 4
    assert _pin_error(qtbot, win, "000002") == "Wrong PIN. 1 try left."
    clock.now += 8
    locked = _pin_error(qtbot, win, "000003")
    assert locked == "Too many wrong PINs. The staff screen is locked for 15 minutes."
    win.reset()  # walking away (the idle reset) gives no new tries
    win.attract.admin_button.click()
    clock.now += 14 * 60
    assert _pin_error(qtbot, win, "246810") == (
        "Too many wrong PINs. The staff screen is locked for 1 minute."
    )
    clock.now += 60
    _enter(qtbot, win, "246810")
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.admin, timeout=TIMEOUT)
    with ctx.database.read() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("kiosk_pin_%"))
            .order_by(AuditEvent.chain_seq)
        ).all()
        seen = [(e.action, e.details.get("reason")) for e in events]
    failed = actions.KIOSK_PIN_FAILED
    assert seen == [
        (failed, "malformed"), (failed, "too_soon"), (failed, "wrong"), (failed, "too_soon"),
        (failed, "wrong"), (failed, "wrong"), (failed, "wrong"), (actions.KIOSK_PIN_LOCKED, None),
        (failed, "locked"), (actions.KIOSK_PIN_ACCEPTED, None),
    ]  # fmt: skip
    assert not any(
        "246810" in json.dumps(e.details) or "2468" in json.dumps(e.details) for e in events
    )
    assert verify_database(ctx.database).ok


def test_a_short_pin_is_refused_with_a_typed_error(services):
    with pytest.raises(PinRulesError, match="6 to 12 digits"):
        services.set_pin("2468")
    assert not services.config().has_pin


def test_staff_open_a_locked_pad_with_the_unlock_code(qtbot, make_window, services, ctx):
    """A visitor's five wrong PINs do not lock staff out: the 24-digit code, typed on the same pad,
    opens the staff screen; the lock message says so only when a code exists."""
    services.set_pin("246810")
    code = services.store.new_unlock_code()
    services.pins.clock = clock = Clock()
    win = make_window()
    win.attract.admin_button.click()
    for attempt in range(5):
        message = _pin_error(qtbot, win, f"00000{attempt}")
        clock.now += 8
    assert message == (
        "Too many wrong PINs. The staff screen is locked for 15 minutes. "
        "Staff: enter the 24-digit unlock code to open it now."
    )
    assert _pin_error(qtbot, win, "9" * 24) == "That unlock code is not right."
    clock.now += 2
    win.pin.show_error("")
    _enter(qtbot, win, code)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.admin, timeout=TIMEOUT)
    assert win.pin.pin.text() == ""  # the code does not linger in the field


def test_the_pad_counts_the_digits_of_an_unlock_code(qtbot, make_window):
    """Past a PIN's 12 digits the dots no longer fit the field: the title counts instead."""
    win = make_window()
    win.attract.admin_button.click()
    for _ in range(12):
        win.pin._key("7")
    assert win.pin.title.text() == "Enter the staff PIN"
    win.pin._key("7")
    assert win.pin.title.text() == "Unlock code: 13/24"
    for _ in range(20):
        win.pin._key("7")  # no more than 24
    assert win.pin.title.text() == "Unlock code: 24/24" and len(win.pin.pin.text()) == 24
    win.pin._key("⌫")
    assert win.pin.title.text() == "Unlock code: 23/24"
    win.reset()
    assert win.pin.title.text() == "Enter the staff PIN" and win.pin.pin.text() == ""
