"""The first window is painted from Qt and the style sheet alone: a real ``skinlab`` process,
offscreen, reports which heavy libraries it had loaded at its first paint (none), and the few
settings the first screen shows are read without loading the settings machinery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from app.desktop.gui import DeferredServices
from app.first_paint import peek_setting, when_painted
from app.paint_probe import ENV
from tests.helpers.paths import REPO


def _with_database(data: Path) -> None:
    services = DeferredServices(data)
    services.painted.set()
    try:
        services.startup()
    finally:
        services.close()


@pytest.mark.parametrize(
    ("window", "database"),
    [([], False), ([], True), (["--kiosk", "--windowed", "--camera", "demo"], True)],
    ids=["desktop-opening-page", "desktop-sign-in-form", "kiosk"],
)
def test_nothing_heavy_is_loaded_before_the_first_paint(
    tmp_path: Path, window: list[str], database: bool
) -> None:
    data = tmp_path / "data"
    if database:
        _with_database(data)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", ENV: "modules"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), *window],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    first = done.stdout.splitlines()[0]
    assert first.startswith("painted"), done.stdout
    # Not numpy, OpenCV, dlib, SQLAlchemy, SQLCipher, pydantic, the engine, the storage, the
    # kiosk's other screens or the desktop's workspace: all of them load after this paint.
    assert first == "painted ", f"loaded before the first paint: {first.split(' ', 1)[1]}"


@pytest.mark.parametrize("database", [False, True], ids=["opening-page", "sign-in-form"])
def test_the_desktops_first_paint_makes_no_costly_qt_classes(
    tmp_path: Path, database: bool
) -> None:
    """No ``Qt.<Enum>`` before the desktop's first paint (the ``Qt`` namespace is ~130 enum
    classes, ~20 ms of CPU), and no Python filter on every event (it made every QtWidgets class)."""
    data = tmp_path / "data"
    if database:
        _with_database(data)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", ENV: "qt-classes"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    first = done.stdout.splitlines()[0]
    assert first == "painted ", f"made before the first paint: {first.split(' ', 1)[1]}"


def test_a_setting_is_peeked_from_the_environment_before_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.toml").write_text('clinic_name = "Rue Cler"\ncache_size_mb = 12\n')
    monkeypatch.delenv("SKINLAB_CLINIC_NAME", raising=False)
    assert peek_setting(tmp_path, "clinic_name") == "Rue Cler"
    monkeypatch.setenv("SKINLAB_CLINIC_NAME", "From the environment")
    assert peek_setting(tmp_path, "clinic_name") == "From the environment"
    assert peek_setting(tmp_path, "cache_size_mb") is None  # not text: left to the settings
    assert peek_setting(tmp_path, "desktop_theme") is None


@pytest.mark.parametrize("content", [b"not = [toml", b"\xff\xfe broken"], ids=["toml", "utf8"])
def test_a_damaged_settings_file_gives_no_peeked_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    monkeypatch.delenv("SKINLAB_CLINIC_NAME", raising=False)
    (tmp_path / "settings.toml").write_bytes(content)
    assert peek_setting(tmp_path, "clinic_name") is None  # the settings loader names the file
    assert peek_setting(tmp_path / "missing", "clinic_name") is None


def test_the_rest_loads_once_after_the_first_paint(qtbot: Any) -> None:
    calls: list[bool] = []
    label = QLabel("first")
    qtbot.addWidget(label)
    when_painted(label, lambda: calls.append(label.isVisible()), at_the_latest_ms=60_000)
    assert calls == []
    label.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=20_000)
    label.repaint()
    qtbot.wait(50)
    assert calls == [True]  # once, not at every paint


def test_a_window_that_is_never_painted_still_loads(qtbot: Any) -> None:
    calls: list[int] = []
    label = QLabel("never shown")
    qtbot.addWidget(label)
    when_painted(label, lambda: calls.append(1), at_the_latest_ms=100)
    qtbot.waitUntil(lambda: calls == [1], timeout=20_000)
    qtbot.wait(150)
    assert calls == [1]
