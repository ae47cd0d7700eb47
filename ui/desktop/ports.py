"""What the desktop screens need from the rest of the app, as protocols over plain typed data.

``app/desktop/services.py`` implements them over core. Every call may block (disk, database): the
screens make them from the background pools, never from the UI thread. Every call that reads or
changes patient data takes the :class:`SessionInfo` of the person signed in, and the service checks
that person's permission through ``core.auth`` before touching anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

# Re-exported: the screens import them from here with the ports.
from ui.desktop.session_types import SessionInfo as SessionInfo
from ui.desktop.session_types import StartupState as StartupState

if TYPE_CHECKING:  # annotations only: importing core.storage loads SQLAlchemy, and the window
    # imports these ports before its first paint (app.first_paint)
    from core.analysis.comparison import MeasureChange
    from core.storage.repositories.patients_terms import PageCursor, PatientQuery


class AuthPort(Protocol):
    def startup(self) -> StartupState:
        """Open and migrate the database; say whether an admin must be created first."""
        ...

    def create_first_admin(
        self, *, email: str, first_name: str, last_name: str, password: str
    ) -> None: ...

    def login(self, email: str, password: str) -> SessionInfo:
        """Sign a clinician or an administrator in; any other account is refused, with a reason."""
        ...

    def unlock(self, session: SessionInfo, password: str) -> SessionInfo:
        """The same person again, after the idle lock: their password, a fresh session."""
        ...

    def prove_online(self, session: SessionInfo, password: str) -> str:
        """Ask the sync server for a proof of this sign-in (network); a line for the status bar,
        empty when there is nothing to say. Sign-in itself never waits for it."""
        ...

    def sign_out(self, session: SessionInfo) -> None:
        """Also forgets the proof of an online sign-in."""
        ...


# -- patients --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatientRow:
    user_id: str
    first_name: str
    last_name: str
    email: str
    birth_year: int | None
    fitzpatrick_type: int | None
    last_visit: datetime | None
    visits: int

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class PatientPage:
    rows: tuple[PatientRow, ...]
    next: PageCursor | None
    """Where the next page starts; None at the end of the list."""


@dataclass(frozen=True)
class PatientForm:
    """A patient's editable fields as read, with each field's clock, so that a save can tell
    what the person changed from what someone else changed meanwhile."""

    patient_id: str | None
    values: Mapping[str, Any]
    clocks: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SavedPatient:
    patient_id: str
    full_name: str
    changed_elsewhere: tuple[str, ...] = ()
    """Fields someone else changed since the form was read: kept as they now are."""


class PatientsPort(Protocol):
    """Listing needs ``list_patients``; reading a form ``read_results``; creating and editing
    ``register_patient`` (clinicians and administrators)."""

    def find_patients(
        self, session: SessionInfo, query: PatientQuery, cursor: PageCursor | None, limit: int
    ) -> PatientPage: ...

    def count_patients(self, session: SessionInfo, query: PatientQuery, cap: int) -> int: ...

    def patient_form(self, session: SessionInfo, patient_id: str) -> PatientForm: ...

    def create_patient(self, session: SessionInfo, values: Mapping[str, Any]) -> SavedPatient: ...

    def update_patient(
        self,
        session: SessionInfo,
        patient_id: str,
        changes: Mapping[str, Any],
        clocks: Mapping[str, str],
    ) -> SavedPatient: ...


# -- a patient's record ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PatientDetails:
    patient_id: str
    first_name: str
    last_name: str
    email: str
    birth_year: int | None
    fitzpatrick_type: int | None
    fragrance_free: bool
    pregnancy: bool
    sensitive_skin: bool
    registered: datetime

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class ConsentView:
    recorded_at: datetime
    text_version: str
    granted: bool
    allow_storage: bool
    allow_sync: bool
    retention_days: int | None


@dataclass(frozen=True)
class VisitSummary:
    analysis_id: str
    taken_at: datetime
    skin_score: float
    metrics: Mapping[str, float]
    has_photo: bool
    engine_version: str


@dataclass(frozen=True)
class NoteView:
    note_id: str
    written_at: datetime
    author: str
    body: str


@dataclass(frozen=True)
class PatientRecord:
    details: PatientDetails
    consents: tuple[ConsentView, ...]
    visits: tuple[VisitSummary, ...]
    """Oldest first."""
    notes: tuple[NoteView, ...]
    """Newest first."""
    may_write_notes: bool


class RecordPort(Protocol):
    """Reading a record and its thumbnails needs ``read_results`` on the patient; adding a note
    ``write_notes``. Opening a record leaves an audit event."""

    def patient_record(self, session: SessionInfo, patient_id: str) -> PatientRecord: ...

    def visit_thumbnails(self, session: SessionInfo, patient_id: str) -> Mapping[str, bytes]:
        """analysis id -> JPEG bytes of its thumbnail (missing files are left out)."""
        ...

    def add_note(self, session: SessionInfo, patient_id: str, body: str) -> NoteView: ...


# -- one analysis -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeasureReading:
    """One measure of one analysis, in words from ``core.vocabulary``."""

    key: str
    label: str
    level: float | None
    """None when the engine could not measure it (``reason`` says why)."""
    word: str
    tone: str
    estimate: bool
    direction: str
    reason: str = ""
    value: str = ""
    """The physical quantity behind the level, with its unit, when the engine gave one."""
    regions: tuple[tuple[str, float], ...] = ()
    """(region label, level) per face region."""
    spread: float = 0.0
    """The retest spread (level points) a change must exceed to be a real change."""

    @property
    def measured(self) -> bool:
        return self.level is not None


@dataclass(frozen=True)
class QualityNote:
    check: str
    status: str
    """"warn" or "fail" (passing checks are not listed)."""
    message: str


@dataclass(frozen=True)
class AnalysisDetail:
    analysis_id: str
    patient_id: str
    patient_name: str
    taken_at: datetime
    skin_score: float
    score_band: str
    engine_version: str
    measures: tuple[MeasureReading, ...]
    quality: tuple[QualityNote, ...]
    summary: tuple[tuple[str, str], ...]
    """(heading, text) lines: skin type, tone, conditions, regions left out."""
    photo: bytes | None
    """The stored photo at full resolution (JPEG), or None when it is not on this device."""
    photo_problem: str = ""
    result: Mapping[str, Any] = field(default_factory=dict)
    """The stored engine output, for comparisons (the face boxes that line two photos up)."""


@dataclass(frozen=True)
class OverlayLayer:
    """A measure's heat map as RGBA pixels to lay over the whole photo (scaled to its size)."""

    analysis_id: str
    measure: str
    width: int
    height: int
    rgba: bytes
    note: str = ""


@dataclass(frozen=True)
class LikeForLike:
    """Two visits' measures read again on the skin both photos showed (only the measures the
    stored analyses read from different regions)."""

    changes: Mapping[str, MeasureChange]
    """Measure -> its change on the shared skin."""
    score: tuple[float, float] | None = None
    """The two skin scores read on the shared skin, when those compare."""
    where: str = ""
    """What both readings left out, in words ("without the chin")."""
    note: str = ""
    """Said beside the readings, e.g. that the current engine read them again."""


class AnalysisPort(Protocol):
    """Reading an analysis and its overlays needs ``read_results`` on its patient."""

    def analysis_detail(self, session: SessionInfo, analysis_id: str) -> AnalysisDetail: ...

    def overlay_layer(self, session: SessionInfo, analysis_id: str, measure: str) -> OverlayLayer:
        """Draws the engine's heat map again from the stored photo (seconds: run it off the UI)."""
        ...

    def like_for_like(self, session: SessionInfo, before_id: str, after_id: str) -> LikeForLike:
        """Both stored photos analysed again, each without the regions only it showed
        (``core.analysis.comparison``), for the measures not comparable as stored: ``read_results``
        on their one patient (seconds: run it off the UI)."""
        ...

    def analysis_closed(self) -> None:
        """The person left the analysis views: the memory the engine freed drawing their heat maps
        goes back to the system (milliseconds: off the UI thread). Reads and shows nothing."""
        ...


class DesktopPort(AuthPort, PatientsPort, RecordPort, AnalysisPort, Protocol):
    """Everything the desktop window is given (``app.desktop.services.DesktopServices``)."""
