"""What the kiosk screens need from the rest of the app, as protocols over plain data.

``app/kiosk/services.py`` implements :class:`KioskServices` over core; tests may pass fakes. Images
cross this boundary as numpy arrays already blended by the engine side, so the UI only converts them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from core.errors import SkinLabError

RGB = NDArray[np.uint8]
RGBA = NDArray[np.uint8]


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
    retention_days: int


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


@dataclass(frozen=True)
class AnalysisView:
    """A finished analysis, with everything the results and take-away screens show."""

    result: dict[str, Any]
    photo: RGB
    overlays: dict[str, RGBA]
    saved: bool
    previous: dict[str, float] | None = None
    previous_score: float | None = None
    previous_date: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    meanings: dict[str, str] = field(default_factory=dict)
    higher_is_better: frozenset[str] = frozenset()
    estimates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KioskConfig:
    clinic_name: str
    logo_path: Path | None
    idle_seconds: int
    retention_days: int
    camera: str
    has_pin: bool


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
        retention_days: int,
    ) -> KioskConfig: ...

    def check_pin(self, pin: str) -> bool: ...

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

    def load_photo(self, path: Path) -> RGB: ...

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

    def save_report(self, pdf: bytes, *, folder: Path, name: str) -> Path: ...

    def email_report(self, pdf: bytes, *, to: str, name: str) -> str: ...

    def deliver_mail(self) -> str: ...

    def removable_folders(self) -> list[tuple[str, Path]]: ...

    def end_session(self) -> int: ...

    def sync_status(self) -> SyncView: ...
