"""The PyInstaller build is self-contained: it starts, migrates a database, finds its face model and
analyses photos with nothing but its own folder, to the same values as the source checkout. Slow (minutes): run with ``pytest -m slow``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
from skimage import data

from core.analysis import analyze
from core.analysis.result import PER_CALL_KEYS
from tests.helpers.paths import REPO, SHARED_FACES

pytestmark = pytest.mark.slow


@pytest.mark.timeout(3600)
def test_the_frozen_app_analyses_a_photo(tmp_path: Path) -> None:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    build = subprocess.run(
        [str(pyinstaller), "--noconfirm", "--distpath", str(tmp_path / "dist"),
         "--workpath", str(tmp_path / "build"), str(REPO / "pyinstaller.spec")],
        cwd=REPO, capture_output=True, text=True, timeout=2400,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    app = tmp_path / "dist" / "skinlab" / "skinlab"
    photo = tmp_path / "astronaut.jpg"
    cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    # No virtual environment on the path: only what the build carries.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    home = str(tmp_path / "data")
    version = subprocess.run(
        [str(app), "--version"], capture_output=True, text=True, env=env, timeout=120
    )
    assert version.returncode == 0 and version.stdout.startswith("skinlab ")
    # --version loads no Qt (PyInstaller's own PySide6 hook imported QtCore for every command)
    loaded = subprocess.run(
        [str(app), "--version"], capture_output=True, text=True,
        env={**env, "LD_DEBUG": "files"}, timeout=120,
    )  # fmt: skip
    assert loaded.returncode == 0 and "file=" in loaded.stderr, loaded.stderr[-2000:]
    assert "libQt6Core" not in loaded.stderr
    analysed = subprocess.run(
        [str(app), "--data-dir", home, "analyze", str(photo), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert analysed.returncode == 0, analysed.stderr[-2000:]
    result = json.loads(analysed.stdout)
    assert 0 <= result["skin_score"] <= 100 and result["face"] is not None
    # The build's OpenCV runs on stand-ins for its OpenBLAS and FFmpeg (packaging/opencv_libs.py):
    # every value of the analysis, of this photo and of the shared ones, is the source checkout's.
    photos = [photo, *sorted(SHARED_FACES.glob("*.jp*g"))[:4]] if SHARED_FACES.is_dir() else [photo]
    frozen = subprocess.run(
        [str(app), "--data-dir", home, "analyze", "--no-cache", "--json", *map(str, photos)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    lines = [json.loads(line) for line in frozen.stdout.splitlines()]
    assert len(lines) == len(photos), frozen.stderr[-2000:]
    for path, built in zip(photos, lines, strict=True):
        source = json.loads(json.dumps(analyze(path).photo_json()))
        assert {k: v for k, v in built.items() if k not in PER_CALL_KEYS} == source, path
    doctor = subprocess.run(
        [str(app), "--data-dir", home, "doctor", "--no-camera"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert doctor.returncode == 0 and "[ok] database" in doctor.stdout
    assert "not installed" not in doctor.stdout, doctor.stdout
    checked = subprocess.run(
        [str(app), "--self-check"], capture_output=True, text=True, env=env, timeout=600
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr[-2000:]
    assert "self-check passed" in checked.stdout
    assert os.path.getsize(app) > 0


@pytest.mark.timeout(3600)
def test_the_wheel_installed_outside_the_checkout_analyses_and_renders(tmp_path: Path) -> None:
    """The wheel carries the style sheets and rule files: installed into a fresh virtual
    environment away from the repository, it analyses a photo and renders every screen."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = wheels.glob("skinlab-*.whl")
    venv_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True, timeout=300)
    python = venv_dir / "bin" / "python"
    # The same pinned, hashed versions the bootstrap installs, then the wheel itself.
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--require-hashes",
         "-r", str(REPO / "requirements" / "app.txt")],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {
        "PATH": f"{venv_dir / 'bin'}:/usr/bin:/bin",
        "HOME": str(away),
        "QT_QPA_PLATFORM": "offscreen",
    }
    where = subprocess.run(
        [str(python), "-c", "import resources, core; print(resources.__file__, core.__file__)"],
        capture_output=True, text=True, cwd=away, env=env, timeout=60,
    )  # fmt: skip
    assert str(REPO) not in where.stdout and str(venv_dir) in where.stdout, where.stdout
    photo = away / "astronaut.jpg"
    cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    skinlab = str(venv_dir / "bin" / "skinlab")
    analysed = subprocess.run(
        [skinlab, "--data-dir", str(away / "data"), "analyze", str(photo), "--json"],
        capture_output=True, text=True, cwd=away, env=env, timeout=300,
    )  # fmt: skip
    assert analysed.returncode == 0, analysed.stderr[-2000:]
    result = json.loads(analysed.stdout)
    assert result["recommendations"], result  # the rule file travelled
    shots = away / "shots"
    rendered = subprocess.run(
        [skinlab, "--data-dir", str(away / "data"), "screenshots", "--out", str(shots)],
        capture_output=True, text=True, cwd=away, env=env, timeout=600,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    assert len(list(shots.glob("kiosk-*.png"))) >= 5
