"""The desktop's exports saved whole or not at all, through :mod:`core.files` (a temporary name in
the target folder, flushed, then renamed); a failure is an :class:`ExportError` with the sentence for
a person, and no partial file or folder is left behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core import files
from core.errors import SkinLabError


class ExportError(SkinLabError):
    """The export was not saved; nothing half-written was left."""

    code = "export_not_saved"


def write_file(target: Path, data: bytes) -> Path:
    """``data`` to ``target`` through a temporary file in the same folder and a rename."""
    try:
        return files.write_file(target, data)
    except files.NotSavedError as exc:
        raise ExportError(exc.message) from exc


def write_folder(target: Path, fill: Callable[[Path], object]) -> Path:
    """A new folder ``target`` that ``fill`` writes, renamed into place only once all is on disk."""
    try:
        return files.write_folder(target, fill)
    except files.NotSavedError as exc:
        raise ExportError(exc.message) from exc
