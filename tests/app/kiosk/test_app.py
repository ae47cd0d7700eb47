"""The kiosk's start: its attract screen is painted first, with the clinic's name; the real window
replaces it once the settings, the engine and the storage have loaded off the UI thread, and a
touch made meanwhile is not lost. A data directory another kiosk holds ends the start, with a
message."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shiboken6 import isValid

from app.kiosk.app import KioskStart, first_clinic_name
from core.locations import DEFAULT_CLINIC_NAME
from core.storage.instance import WindowLock
from tests.helpers.kiosk import TIMEOUT


@pytest.fixture
def restore_hooks() -> Iterator[None]:
    saved = sys.excepthook, threading.excepthook  # the real window installs its fault handler
    yield
    sys.excepthook, threading.excepthook = saved


@pytest.fixture
def quits() -> list[int]:
    """The codes the start asked the event loop to end with (the test's loop goes on)."""
    return []


@pytest.fixture
def started(
    qtbot: Any, tmp_path: Path, restore_hooks: None, quits: list[int]
) -> Iterator[KioskStart]:
    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.json").write_text(json.dumps({"clinic_name": "Rue Cler Dermatology"}))
    start = KioskStart(data, camera="demo", fullscreen=False, quit=quits.append)
    yield start
    if isValid(start.first):
        start.first.close()
    if start.window is not None:
        start.window.close()
    start.close()


def test_the_attract_screen_comes_first_then_the_real_window(
    qtbot: Any, started: KioskStart
) -> None:
    assert started.attract.clinic.text() == "Rue Cler Dermatology"  # before anything loaded
    first = started.first
    started.show()
    qtbot.waitUntil(first.isVisible, timeout=TIMEOUT)
    place = first.geometry()
    qtbot.waitUntil(lambda: started.window is not None, timeout=120_000)
    window = started.window
    assert window is not None
    qtbot.waitUntil(lambda: window.config.clinic_name == "Rue Cler Dermatology", timeout=TIMEOUT)
    assert window.isVisible() and window.stack.currentWidget() is window.attract
    assert window.geometry() == place  # in the first one's place
    qtbot.waitUntil(lambda: not isValid(first), timeout=TIMEOUT)  # and that one is gone
    assert started.exit_code == 0


def test_a_touch_before_the_window_is_ready_starts_the_visit(
    qtbot: Any, started: KioskStart
) -> None:
    started.show()
    started.attract.start_button.click()  # the first screen is all there is yet
    qtbot.waitUntil(lambda: started.window is not None, timeout=120_000)
    window = started.window
    assert window is not None
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in, timeout=TIMEOUT)


def test_a_data_directory_held_by_another_kiosk_ends_the_start(
    qtbot: Any, started: KioskStart, quits: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    held = WindowLock(started.data_dir)  # type: ignore[arg-type]
    try:
        started.show()
        qtbot.waitUntil(lambda: started.exit_code == 1, timeout=120_000)
        assert quits == [1]  # the event loop is told to end
    finally:
        held.close()
    assert started.window is None
    assert "already running" in capsys.readouterr().err


def test_the_first_clinic_name_follows_the_kiosk_file_then_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SKINLAB_CLINIC_NAME", raising=False)
    assert first_clinic_name(tmp_path) == DEFAULT_CLINIC_NAME
    (tmp_path / "settings.toml").write_text('clinic_name = "From the settings"\n')
    assert first_clinic_name(tmp_path) == "From the settings"
    (tmp_path / "kiosk.json").write_text('{"clinic_name": "  Set at the kiosk "}')
    assert first_clinic_name(tmp_path) == "Set at the kiosk"
    (tmp_path / "kiosk.json").write_text("{broken")
    assert first_clinic_name(tmp_path) == "From the settings"


def test_full_screen_the_first_attract_screen_cannot_be_closed(
    qtbot: Any, tmp_path: Path, restore_hooks: None, quits: list[int]
) -> None:
    """Alt+F4 in the second before the real window arrives would otherwise end the kiosk."""
    start = KioskStart(tmp_path / "data", camera="demo", fullscreen=True, quit=quits.append)
    first = start.first
    try:
        start.show()
        qtbot.waitUntil(first.isVisible, timeout=TIMEOUT)
        assert first.close() is False
        assert first.isVisible()
        qtbot.waitUntil(lambda: start.window is not None, timeout=120_000)
        window = start.window
        assert window is not None
        assert window.close() is False  # and the real window takes over the refusal
        assert window.isVisible() and quits == []
    finally:
        if start.window is not None:
            start.window.lockdown.allow_close()
            start.window.close()
        start.close()


def test_a_windowed_first_attract_screen_closes_like_any_window(
    qtbot: Any, started: KioskStart
) -> None:
    started.show()
    qtbot.waitUntil(started.first.isVisible, timeout=TIMEOUT)
    assert started.first.close() is True
