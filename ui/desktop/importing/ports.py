"""What the Import page needs from the app, as plain data and one protocol.

Who may import: clinicians and administrators (``write_results`` and ``list_patients``), checked
when the import starts and again before each result is saved, so a deactivated account or a
removed role stops the import at the next file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from ui.desktop.ports import SessionInfo

DateSource = Literal["exif", "file", "edited"]
Ending = Literal["done", "cancelled", "stopped"]


@dataclass(frozen=True)
class PatientChoice:
    patient_id: str
    name: str
    email: str

    @property
    def shown(self) -> str:
        return f"{self.name} ({self.email})"


@dataclass(frozen=True)
class ImportCandidate:
    """A file found for the import: its visit date (EXIF or file time), or why it is not a photo."""

    path: Path
    taken: datetime | None
    source: DateSource = "file"
    problem: str = ""


@dataclass(frozen=True)
class ImportItem:
    path: Path
    visit: datetime
    source: DateSource


@dataclass(frozen=True)
class ImportRequest:
    patient: PatientChoice
    items: tuple[ImportItem, ...]


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    ok: bool
    code: str = ""
    message: str = ""
    analysis_id: str = ""


@dataclass(frozen=True)
class ImportProgress:
    done: int
    total: int
    saved: int
    failed: int
    eta_seconds: float | None
    outcome: FileOutcome


@dataclass(frozen=True)
class ImportFinished:
    ending: Ending
    saved: int
    failed: int
    not_done: int
    message: str


ImportEvent = ImportProgress | ImportFinished
Listener = Callable[[ImportEvent], None]


class ImportHandle(Protocol):
    def cancel(self) -> None:
        """Stop: files not analysed yet are dropped, answers still arriving are not saved."""
        ...


class ImportPort(Protocol):
    def find_import_patients(
        self, session: SessionInfo, text: str, limit: int = 20
    ) -> list[PatientChoice]: ...

    def scan_import(self, session: SessionInfo, paths: Sequence[Path]) -> list[ImportCandidate]:
        """The files under ``paths`` with their visit dates (disk work: call it off the UI)."""
        ...

    def start_import(
        self, session: SessionInfo, request: ImportRequest, listener: Listener
    ) -> ImportHandle:
        """Start in the background and return at once; ``listener`` hears each file and the end,
        on a background thread."""
        ...
