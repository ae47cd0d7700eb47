"""The project's own standards, checked in the test run: ruff lint and format clean everywhere,
mypy --strict on core/, server/, ui/, app/, bench/ and the build's helpers in packaging/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import REPO

BIN = Path(sys.executable).parent


def test_ruff_is_clean() -> None:
    done = subprocess.run(
        [str(BIN / "ruff"), "check", "."], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-4000:]


def test_ruff_format_is_clean() -> None:
    done = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:]


def test_mypy_strict_everywhere() -> None:
    """Every package, Qt screens included: PySide6's stubs need no relaxation when object names are
    set with ``setObjectName`` and ``QApplication`` statics are called on the class."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "core",
            "server",
            "ui",
            "app",
            "bench",
            "packaging/icu_data.py",
            "packaging/elf_symbols.py",
            "packaging/lib_stubs.py",
            "packaging/openblas_shim.py",
            "packaging/opencv_libs.py",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:]
