"""The first window: create the admin on first run, then sign in, with the lock-out shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.context import AppContext
from app.desktop.services import DesktopServices
from core.config import load_settings
from ui.background import Pools
from ui.desktop.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path: Path):
    ctx = AppContext(load_settings(data_dir=tmp_path))
    pools = Pools()
    win = MainWindow(DesktopServices(ctx), pools)
    qtbot.addWidget(win)
    win.show()
    yield win
    pools.wait()
    ctx.close()


def _sign_in(qtbot, win: MainWindow, email: str, password: str) -> None:
    win.login.email.setText(email)
    win.login.password.setText(password)
    win.login.button.click()
    qtbot.waitUntil(lambda: win.login.button.isEnabled(), timeout=10_000)


def test_first_run_creates_admin_then_signs_in(qtbot, window: MainWindow):
    window.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=20_000)
    page = window.first_run
    page.first_name.setText("Ada")
    page.last_name.setText("Lovelace")
    page.email.setText("Ada@Clinic.org")
    page.password.setText("correct horse")
    page.repeat.setText("correct horse")
    page.button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=10_000)
    assert window.login.email.text() == "ada@clinic.org"

    _sign_in(qtbot, window, "ada@clinic.org", "correct horse")
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    assert window.stack.currentWidget() is window.view.workspace
    assert "Ada Lovelace" in window.view.workspace.user_label.text()
    assert "admin" in window.view.workspace.user_label.text()

    window.commands.sign_out.trigger()
    assert window.stack.currentWidget() is window.login
    assert window.view is None and window.login.password.text() == ""


def test_mismatched_and_weak_passwords_are_explained(qtbot, window: MainWindow):
    window.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=20_000)
    page = window.first_run
    page.first_name.setText("Ada")
    page.last_name.setText("Lovelace")
    page.email.setText("ada@clinic.org")
    page.password.setText("one password")
    page.repeat.setText("another one")
    page.button.click()
    assert page.error.text() == "The two passwords differ."
    page.password.setText("short")
    page.repeat.setText("short")
    page.button.click()
    qtbot.waitUntil(lambda: page.button.isEnabled() and page.error.text() != "", timeout=10_000)
    assert "at least 8 characters" in page.error.text()
    assert window.stack.currentWidget() is window.first_run


def test_lockout_message_is_shown_after_five_failures(qtbot, window: MainWindow):
    window.services.startup()
    window.services.create_first_admin(
        email="ada@clinic.org", first_name="Ada", last_name="Lovelace", password="correct horse"
    )
    window.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=20_000)
    for attempt in range(4):
        _sign_in(qtbot, window, "ada@clinic.org", f"wrong password {attempt}")
        assert window.login.error.text() == "Wrong email or password."
    _sign_in(qtbot, window, "ada@clinic.org", "wrong again")
    assert "locked after 5 failed sign-in attempts" in window.login.error.text()
    assert "15 minutes" in window.login.error.text()
    _sign_in(qtbot, window, "ada@clinic.org", "correct horse")
    assert window.stack.currentWidget() is window.login
    assert "locked" in window.login.error.text()


def test_damaged_database_is_reported_on_screen(qtbot, tmp_path: Path):
    (tmp_path / "skinlab.db").write_bytes(b"garbage" * 1000)
    ctx = AppContext(load_settings(data_dir=tmp_path))
    pools = Pools()
    win = MainWindow(DesktopServices(ctx), pools)
    qtbot.addWidget(win)
    win.start()
    qtbot.waitUntil(
        lambda: (
            not win.status_page.progress.isVisible()
            and win.status_page.detail.text() != "Checking and upgrading the local database."
        ),
        timeout=20_000,
    )
    assert win.stack.currentWidget() is win.status_page
    assert "cannot open its database" in win.status_page.title.text()
    assert "damaged" in win.status_page.detail.text()
    pools.wait()
    ctx.close()
