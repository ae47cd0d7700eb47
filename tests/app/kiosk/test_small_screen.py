"""A full-screen kiosk on a screen smaller than its layouts (a 1024x600 touch panel) starts itself
again with Qt's scale factor set, so every screen is the 1280x800 layout drawn smaller instead of
squeezed: a real ``skinlab --kiosk`` process on an offscreen screen of that size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.kiosk.display import MIN_SCALE, SMALLEST, fit_scale
from app.paint_probe import ENV
from tests.helpers.paths import REPO


def _kiosk_on_a_screen(tmp_path: Path, size: tuple[int, int], **extra_env: str) -> str:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [
        {"name": "panel", "x": 0, "y": 0, "width": size[0], "height": size[1],
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    ]}))  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key != "QT_SCALE_FACTOR"}
    env.update({"QT_QPA_PLATFORM": f"offscreen:configfile={config}", ENV: "geometry"}, **extra_env)
    done = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"), "--kiosk",
         "--camera", "demo"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    first = done.stdout.splitlines()[0]
    assert first.startswith("painted "), done.stdout
    return first.removeprefix("painted ")


def test_a_small_screen_gets_the_whole_layout_drawn_smaller(tmp_path: Path) -> None:
    # 1024x600 at 0.75 is 1365x800 of Qt's pixels: the layouts' smallest size, whole
    assert _kiosk_on_a_screen(tmp_path, (1024, 600)) == "1365x800@0.75"


def test_a_big_enough_screen_is_left_alone(tmp_path: Path) -> None:
    assert _kiosk_on_a_screen(tmp_path, (1280, 800)) == "1280x800@1"


def test_a_scale_the_person_set_is_kept(tmp_path: Path) -> None:
    assert _kiosk_on_a_screen(tmp_path, (1024, 600), QT_SCALE_FACTOR="1") == "1024x600@1"


@pytest.mark.parametrize(
    ("size", "factor"),
    [((1920, 1080), None), (SMALLEST, None), ((1024, 600), 0.75), ((800, 480), 0.6),
     ((1280, 720), 0.9), ((1279, 800), 0.95), ((320, 240), None)],
)  # fmt: skip
def test_the_factor_fits_the_smallest_layout_in_steps_of_5_percent(
    size: tuple[int, int], factor: float | None
) -> None:
    got = fit_scale(*size)
    assert got == factor
    if got is not None:
        assert got >= MIN_SCALE
        assert SMALLEST[0] * got <= size[0] and SMALLEST[1] * got <= size[1]
