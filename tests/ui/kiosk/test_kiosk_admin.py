"""The staff screen behind a PIN: wrong PIN refused, settings saved, the PIN never stored."""

from __future__ import annotations

import json

from tests.helpers.kiosk import TIMEOUT


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
    _enter(qtbot, win, "1111")
    qtbot.waitUntil(lambda: win.pin.error.text() == "Wrong PIN.", timeout=TIMEOUT)
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
