"""The desktop window opens its services behind the first paint: the first call of ``startup``
(made on the database thread) loads the settings, takes the window lock and opens the database.
A data directory with a database is painted at the sign-in form, which takes typing while the
database opens; a new one at the "Opening SkinLab…" page, then the first administrator's form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from app.desktop.gui import DeferredServices, first_theme, first_window
from core.errors import DataDirBusyError
from core.storage.instance import WindowLock
from ui.background import Pools
from ui.desktop.main_window import MainWindow

PASSWORD = "correct horse battery staple"


@contextmanager
def _first_window(qtbot: Any, data: Path) -> Iterator[tuple[MainWindow, DeferredServices]]:
    """The desktop's first window over ``data`` with its deferred services, closed afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    pools = Pools()
    window, services = first_window(app, data, pools)
    qtbot.addWidget(window)
    try:
        yield window, services
    finally:
        window.close()
        pools.wait()
        services.close()


def test_startup_opens_the_services_and_then_they_answer(tmp_path: Path) -> None:
    services = DeferredServices(tmp_path / "data")
    services.painted.set()
    with pytest.raises(AttributeError, match="not open yet"):
        services.login  # noqa: B018  (nothing but startup before the services are open)
    try:
        state = services.startup()
        assert state.needs_first_admin
        assert (tmp_path / "data" / "skinlab.db").is_file()
        assert callable(services.login)
    finally:
        services.close()


def test_a_second_desktop_on_the_same_data_is_told_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    held = WindowLock(data)
    try:
        services = DeferredServices(data)
        services.painted.set()
        with pytest.raises(DataDirBusyError, match="already running"):
            services.startup()
    finally:
        held.close()


def test_the_first_paint_uses_the_theme_of_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SKINLAB_DESKTOP_THEME", raising=False)
    assert first_theme(tmp_path) == "light"
    (tmp_path / "settings.toml").write_text('desktop_theme = "Dark"\n')
    assert first_theme(tmp_path) == "dark"
    monkeypatch.setenv("SKINLAB_DESKTOP_THEME", "purple")  # refused later, with a message
    assert first_theme(tmp_path) == "light"


def test_a_data_directory_with_a_database_opens_at_the_sign_in_form(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SKINLAB_CLINIC_NAME", raising=False)
    data = tmp_path / "data"
    made = DeferredServices(data)
    made.painted.set()
    try:
        made.startup()
        made.create_first_admin(
            email="ada@clinic.org", first_name="Ada", last_name="Byron", password=PASSWORD
        )
    finally:
        made.close()
    (data / "settings.toml").write_text('clinic_name = "Rue Cler Dermatology"\n')
    with _first_window(qtbot, data) as (window, services):
        # Before anything has loaded: the form, its clinic, and a button that waits.
        assert window.stack.currentWidget() is window.login
        assert window.login.subtitle.text() == "Rue Cler Dermatology"
        assert not window.login.button.isEnabled()
        window.login.email.setText("ada@clinic.org")  # typing while the database opens
        services.painted.set()
        window.start()
        qtbot.waitUntil(window.login.button.isEnabled, timeout=120_000)
        assert window.stack.currentWidget() is window.login
        assert window.login.email.text() == "ada@clinic.org"
        window.login.password.setText(PASSWORD)
        window.login.button.click()
        qtbot.waitUntil(lambda: window.view is not None, timeout=120_000)


def test_a_new_data_directory_opens_at_the_opening_page(qtbot: Any, tmp_path: Path) -> None:
    with _first_window(qtbot, tmp_path / "new") as (window, services):
        assert window.stack.currentWidget() is window.status_page
        services.painted.set()
        window.start()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=120_000)


def test_the_menu_bar_is_painted_with_its_titles_and_gets_its_commands_at_start(
    qtbot: Any, tmp_path: Path
) -> None:
    """The first paint shows the menu bar's titles; its commands and shortcuts come with
    ``start`` (a shortcut's key builds Qt's whole ``Qt`` namespace, which the paint does without)."""
    with _first_window(qtbot, tmp_path / "new") as (window, services):
        titles = window.menuBar().actions()
        assert [a.text() for a in titles] == ["&File", "&Edit", "&Patient", "&View", "&Help"]
        assert all(not a.menu().actions() for a in titles)  # type: ignore[union-attr]
        services.painted.set()
        window.start()
        file_menu = [a.text() for a in titles[0].menu().actions()]  # type: ignore[union-attr]
        assert "&Quit" in file_menu and "&Lock" in file_menu
        assert window.commands.quit.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
        assert not window.commands.lock.isEnabled()  # nobody signed in yet
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=120_000)


def test_fractional_screen_scales_pass_through_by_default() -> None:
    """The desktop follows a 150 % screen at 150 % (docs/desktop.md) through Qt 6's default rounding
    policy, which it does not set again: naming the policy builds the ``Qt`` namespace before the
    first paint."""
    assert (
        QGuiApplication.highDpiScaleFactorRoundingPolicy()
        == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
