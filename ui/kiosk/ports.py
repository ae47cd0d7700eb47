"""What the kiosk screens need from the rest of the app, as protocols over plain data.

``app/kiosk/services.py`` implements :class:`KioskServices` over core; tests may pass fakes. Images
cross this boundary as numpy arrays already blended by the engine side, so the UI only converts them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from core.errors import SkinLabError
from core.vocabulary import Change, Tone

# After the idle time, a warning covers the screen this long, then the kiosk resets.
IDLE_WARNING_SECONDS = 10

RGB = NDArray[np.uint8]
RGBA = NDArray[np.uint8]

MAX_PIN_DIGITS = 12
"""The longest staff PIN (``app.kiosk.config`` checks PINs against it)."""
UNLOCK_CODE_DIGITS = 24
"""The staff unlock code's length: typed on the PIN pad, it opens the staff screen even while too
many wrong PINs keep the pad locked (``app.kiosk.pin``); longer than any PIN, so never mistaken."""


class CancelledError(SkinLabError):
    """The person cancelled the analysis; nothing was stored."""

    code = "cancelled"


@dataclass(frozen=True)
class Patient:
    user_id: str
    email: str
    full_name: str


@dataclass(frozen=True)
class ConsentText:
    version: str
    title: str
    paragraphs: tuple[str, ...]
    guest_note: str = ""
    """Shown to a guest instead of the storage and sync choices (a guest's visit is never kept)."""


@dataclass(frozen=True)
class ConsentChoice:
    granted: bool
    allow_storage: bool = False
    allow_sync: bool = False


@dataclass(frozen=True)
class FrameCheck:
    """One live frame judged: the camera's health first, then the engine's quality checks."""

    ok: bool
    instruction: str
    camera_problem: str = ""
    failing: tuple[str, ...] = ()
    judged: tuple[str, ...] = ()
    """Every check the frame was judged on, passed or failed: with no face found only
    ``face_found``, so the checklist cannot tick what nobody looked at."""


@dataclass(frozen=True)
class ScoreView:
    """The overall score as every screen words it (``core.vocabulary``)."""

    value: float
    shown: str
    """The whole number shown ("72")."""
    band: str
    band_meaning: str
    tone: Tone
    change: Change | None = None
    """Since the previous visit, for a signed-in patient."""
    read_again: bool = False
    """The change was read like for like (:attr:`AnalysisView.read_again` says how)."""
    uses: str = ""
    """What the score rests on when the photo could not support every measure ("From 2 of 10
    measures: ..."); empty when it rests on all of them."""


@dataclass(frozen=True)
class MeasureView:
    """One measure, worded for the patient. ``level`` is None when it could not be measured;
    ``not_measured`` then says why (the engine will give reasons)."""

    key: str
    label: str
    meaning: str
    direction: str
    estimate: bool
    level: float | None
    word: str
    tone: Tone
    goodness: float
    """0-100, further out is better on every chart axis."""
    change: Change | None = None
    previous_goodness: float | None = None
    not_measured: str = ""
    mdc: float | None = None
    """The measure's minimal detectable change, when the engine gives one: a smaller change
    reads "about the same"."""
    read_again: bool = False
    """Its change was read like for like (:attr:`AnalysisView.read_again` says how)."""


@dataclass(frozen=True)
class ConditionView:
    label: str
    severity: str
    tone: Tone
    regions: tuple[str, ...]


@dataclass(frozen=True)
class SkinView:
    type_label: str
    type_meaning: str
    tone_label: str
    monk: int
    monk_colour: str
    ita_deg: float
    type_reason: str = ""
    """Why the skin type is not determined (what the photo could not show); empty when it is."""


@dataclass(frozen=True)
class ResultView:
    """A finished analysis as the results screen shows it: words and numbers, no engine JSON."""

    score: ScoreView
    skin: SkinView
    measures: tuple[MeasureView, ...]
    conditions: tuple[ConditionView, ...]
    recommendations: tuple[str, ...]
    morning: tuple[str, ...]
    evening: tuple[str, ...]
    disclaimer: str
    see_dermatologist: bool
    created_at: str
    photo_problem: str = ""
    """When the engine's quality checks failed (glasses, hair over the face...), their first
    instruction: the numbers rest on part of the face, and a retake would do better."""
    left_out: tuple[str, ...] = ()
    """The parts of the face left out of every measure, each with its reason ("Forehead: left out
    \u2014 hidden by hair or a hat"): the levels are of the rest of the face."""


@dataclass(frozen=True)
class AnalysisView:
    """A finished analysis, with everything the results and take-away screens show.

    Screens read ``result``; ``record`` (the engine's JSON) and ``previous`` (the last visit's
    metrics and ``skin_score``, only those comparable with today's) travel back to the app for the
    PDF report."""

    result: ResultView
    photo: RGB
    overlays: dict[str, RGBA]
    saved: bool
    record: Mapping[str, object] = field(default_factory=dict)
    previous: Mapping[str, float] | None = None
    previous_date: str = ""
    not_compared: Mapping[str, str] = field(default_factory=dict)
    """Measure (or the skin score) -> why its change since the last visit is not shown: the two
    photos measured different skin (``core.analysis.comparison``) and could not be read again."""
    spreads: Mapping[str, float] = field(default_factory=dict)
    """Measure -> the retest spread its change since the last visit must exceed to be real."""
    like_for_like: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Measure (or the skin score) -> (last visit, today) read again on the skin both photos
    showed, for what the two analyses had measured on different skin."""
    read_again: str = ""
    """What both photos left out for ``like_for_like``, in words ("without the chin")."""


@dataclass(frozen=True)
class KioskConfig:
    clinic_name: str
    logo_path: Path | None
    idle_seconds: int
    camera: str
    has_pin: bool


@dataclass(frozen=True)
class DrivePhoto:
    """A photo on a USB stick, offered by "Import a photo" when the camera fails (read only)."""

    path: Path
    name: str
    detail: str
    """Size and date, e.g. "2.1 MB, 12 Mar 2026"."""
    thumbnail: RGB | None


@dataclass(frozen=True)
class EmailOffer:
    """Whether the report may be emailed from this visit, and what the person is told about it."""

    allowed: bool
    note: str
    immediate: bool = False
    """Sent at once and never queued (a guest's visit leaves nothing on disk)."""


@dataclass(frozen=True)
class EmailResult:
    to: str
    queued: bool
    """True: waiting in the mail queue; False: already sent."""


@dataclass(frozen=True)
class SyncView:
    headline: str
    details: tuple[str, ...] = ()


class Frame(Protocol):
    @property
    def rgb(self) -> RGB: ...


class FrameReader(Protocol):
    """A camera (``core.capture.FrameSource`` satisfies it)."""

    live: bool

    def open(self) -> None: ...

    def read(self) -> Frame: ...

    def close(self) -> None: ...


class FrameInspector(Protocol):
    """Judges live frames; one per camera session, used from one thread."""

    def inspect(self, rgb: RGB, *, live: bool) -> FrameCheck: ...

    def reset(self) -> None: ...


Progress = Callable[[str], None]


class KioskServices(Protocol):
    def config(self) -> KioskConfig: ...

    def save_config(
        self,
        *,
        camera: str,
        idle_seconds: int,
        clinic_name: str,
        logo_path: Path | None,
    ) -> KioskConfig: ...

    def check_pin(self, pin: str) -> None:
        """Returns for the staff PIN; a wrong, early or locked-out try raises a typed error."""
        ...

    def set_pin(self, pin: str) -> None: ...

    def open_camera(self, spec: str) -> FrameReader: ...

    def new_inspector(self) -> FrameInspector: ...

    def sign_in(self, email: str, password: str) -> Patient: ...

    def register(
        self, *, email: str, first_name: str, last_name: str, password: str
    ) -> Patient: ...

    def consent_text(self) -> ConsentText: ...

    def record_consent(
        self, patient: Patient | None, *, version: str, choice: ConsentChoice
    ) -> None: ...

    def drive_photos(self) -> list[DrivePhoto]: ...

    def load_photo(self, path: Path) -> RGB:
        """A photo from :meth:`drive_photos`; a path that is not on a USB stick is refused."""
        ...

    def warm_up(self) -> None:
        """Load what the first analysis would (run off the UI thread, at start)."""
        ...

    def analyse(
        self,
        photo: RGB,
        *,
        patient: Patient | None,
        consent: ConsentChoice,
        progress: Progress,
        cancel: threading.Event,
    ) -> AnalysisView: ...

    def report_pdf(self, view: AnalysisView, patient: Patient | None) -> bytes: ...

    def save_report(self, pdf: bytes, *, folder: Path, name: str) -> Path:
        """Write to a folder from :meth:`removable_folders`; anywhere else is refused."""
        ...

    def email_offer(self, patient: Patient | None, consent: ConsentChoice | None) -> EmailOffer: ...

    def email_report(
        self, pdf: bytes, *, to: str, name: str, patient: Patient | None
    ) -> EmailResult: ...

    def deliver_mail(self) -> str: ...

    def removable_folders(self) -> list[tuple[str, Path]]: ...

    def end_session(self) -> int: ...

    def sync_status(self) -> SyncView: ...
