"""What the Reports page needs from the app.

Who may: reading a patient's visits and writing their reports or data export needs
``read_results`` and ``export_reports`` (clinicians and administrators); erasing a patient is for
administrators only (``core.privacy``). Every one of these is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from ui.desktop.importing.ports import PatientChoice
from ui.desktop.ports import SessionInfo


@dataclass(frozen=True)
class VisitRow:
    analysis_id: str
    when: datetime
    score: float
    has_photo: bool


@dataclass(frozen=True)
class PatientVisits:
    patient: PatientChoice
    visits: tuple[VisitRow, ...]
    may_erase: bool


@dataclass(frozen=True)
class Erased:
    name: str
    analyses: int
    photos: int


class ReportsPort(Protocol):
    def find_import_patients(
        self, session: SessionInfo, text: str, limit: int = 20
    ) -> list[PatientChoice]: ...

    def patient_visits(self, session: SessionInfo, patient_id: str) -> PatientVisits: ...

    def save_visit_report(self, session: SessionInfo, analysis_id: str, target: Path) -> Path:
        """Draws the heat maps again from the stored photo (seconds): call it off the UI thread."""
        ...

    def save_progress_report(
        self,
        session: SessionInfo,
        patient_id: str,
        *,
        since: datetime,
        until: datetime,
        target: Path,
    ) -> Path: ...

    def export_patient_data(self, session: SessionInfo, patient_id: str, target: Path) -> Path:
        """A new folder ``target`` with ``patient.json``, ``visits.csv`` and the photos."""
        ...

    def erase_patient(self, session: SessionInfo, patient_id: str, typed_name: str) -> Erased:
        """Only when ``typed_name`` is the patient's name as shown (case and spaces aside)."""
        ...
