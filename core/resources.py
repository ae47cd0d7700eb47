"""Find SkinLab's data files in the ``resources`` package, wherever SkinLab is installed.

The package's own ``__file__`` places it the same way in a source checkout, an editable install,
a wheel and a PyInstaller build (which puts the data files beside the frozen ``__init__``); it costs
nothing at start, where ``importlib.resources`` cost a window's first paint ~15 ms. A missing file is a :class:`MissingResourceError` naming
it, raised at start by :func:`check_resources`, never an empty style or an empty rule set.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.errors import MissingResourceError

# OpenCV's LBP face cascade: where a small face may be, before dlib looks there (core.analysis.face_candidates).
FACE_CASCADE: tuple[str, ...] = ("models", "lbpcascade_frontalface.xml")
# Every file SkinLab cannot run without, as path parts under ``resources/``.
REQUIRED: tuple[tuple[str, ...], ...] = (
    ("styles", "desktop.qss"),
    ("styles", "desktop-dark.qss"),
    ("styles", "kiosk.qss"),
    ("rules", "recommendations.json"),
    FACE_CASCADE,
)
# Points SkinLab at another resources folder (a clinic's own, or a test's).
ENV_OVERRIDE = "SKINLAB_RESOURCES_DIR"


def resources_dir() -> Path:
    """The folder of the ``resources`` package (or ``$SKINLAB_RESOURCES_DIR`` when set)."""
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        return Path(override).expanduser()
    try:
        import resources  # the package whose folder holds the files (see the module's note)
    except ModuleNotFoundError as exc:
        raise MissingResourceError(
            "SkinLab's resources folder is not installed; reinstall SkinLab."
        ) from exc
    root = Path(resources.__file__ or "").parent
    if not root.is_dir():  # a zip import: SkinLab is never installed that way
        raise MissingResourceError(f"SkinLab's resources are not a folder on disk ({root}).")
    return root


def resource_path(*parts: str, override: Path | str | None = None) -> Path:
    """Path of a resource file, or ``override`` when the caller supplies its own file."""
    if override is not None:
        return Path(override)
    return resources_dir().joinpath(*parts)


def require_resource(*parts: str) -> Path:
    """Path of a resource file that must exist, or :class:`MissingResourceError` naming it."""
    path = resource_path(*parts)
    if not path.is_file():
        raise MissingResourceError(
            f"SkinLab cannot start: the file {path} is missing from its resources. "
            "Reinstall SkinLab (or restore the file)."
        )
    return path


def read_resource(*parts: str) -> str:
    """The text of a required resource file."""
    path = require_resource(*parts)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MissingResourceError(f"SkinLab cannot read its resource file {path}: {exc}") from exc


def check_resources() -> None:
    """Fail at start, naming the file, when any required resource is missing."""
    for parts in REQUIRED:
        require_resource(*parts)
