"""SkinLab finds its data files as a package, and a missing one stops it at start, named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import MissingResourceError
from core.resources import ENV_OVERRIDE, REQUIRED, check_resources, read_resource, resources_dir
from tests.helpers.paths import REPO


def test_the_resources_package_is_the_repository_folder() -> None:
    assert resources_dir() == REPO / "resources"
    check_resources()
    assert read_resource("styles", "desktop.qss").strip()


def _copy_without(tmp_path: Path, *parts: str) -> Path:
    copy = tmp_path / "resources"
    shutil.copytree(REPO / "resources", copy, ignore=shutil.ignore_patterns("__pycache__"))
    copy.joinpath(*parts).unlink()
    return copy


@pytest.mark.parametrize("parts", REQUIRED, ids=lambda p: "/".join(p))
def test_a_missing_resource_is_a_typed_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: tuple[str, ...]
) -> None:
    monkeypatch.setenv(ENV_OVERRIDE, str(_copy_without(tmp_path, *parts)))
    with pytest.raises(MissingResourceError) as caught:
        check_resources()
    assert caught.value.code == "missing_resource"
    assert parts[-1] in caught.value.message


def test_a_style_sheet_missing_is_an_error_not_an_empty_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.kiosk.style import load_kiosk_style

    monkeypatch.setenv(ENV_OVERRIDE, str(_copy_without(tmp_path, "styles", "kiosk.qss")))
    with pytest.raises(MissingResourceError, match=r"kiosk\.qss"):
        load_kiosk_style()


@pytest.mark.parametrize(
    ("parts", "mode"),
    [(("styles", "kiosk.qss"), "--kiosk"), (("rules", "recommendations.json"), None)],
    ids=["kiosk-style", "desktop-rules"],
)
def test_the_app_refuses_to_start_naming_the_missing_file(
    tmp_path: Path, parts: tuple[str, ...], mode: str | None
) -> None:
    env = {**os.environ, ENV_OVERRIDE: str(_copy_without(tmp_path, *parts))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    args = [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data")]
    if mode:
        args += [mode, "--windowed", "--camera", "demo"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 1
    assert parts[-1] in done.stderr and "missing" in done.stderr, done.stderr
