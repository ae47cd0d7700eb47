"""Locate the top-level ``resources/`` folder, which is data rather than a Python package."""

from __future__ import annotations

from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    """The ``resources/`` folder next to ``core/`` in the source tree or the installed layout."""
    return _REPO_ROOT / "resources"


def resource_path(*parts: str, override: Path | str | None = None) -> Path:
    """Path of a resource file, or ``override`` when the caller supplies its own file."""
    if override is not None:
        return Path(override)
    return resources_dir().joinpath(*parts)
