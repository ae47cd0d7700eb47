"""The kiosk's ports (``ui.kiosk.ports``) implemented over ``AppContext`` and core.

The only place kiosk screens meet auth, storage, mail and the analysis engine. Every method may
block (disk, database, camera, analysis): the UI calls them from its background pools. The report,
USB sticks and mail are in :mod:`app.kiosk.takeaway`.

A guest's visit is never written to disk: the analysis is not stored whatever the consent screen
said, a guest's email is sent from memory or not at all, and the reset purges any guest capture an
older version left behind. A signed-in patient's analysis is stored only with their consent.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from app.context import AppContext
from app.kiosk.config import KioskConfigStore
from app.kiosk.mail_limits import MailLimits
from app.kiosk.pin import PinGuard
from app.kiosk.takeaway import TakeAwayServices
from app.kiosk.text import CONSENT_VERSION, GUEST_NOTE, consent_paragraphs
from app.kiosk.views import result_view
from app.kiosk.worker import Measured, measure
from app.previous_visit import PreviousVisit, previous_visit
from app.read_again import SinceThen, read_since_if_possible, since_then
from core.analysis import LiveQuality
from core.analysis.face import load_models
from core.auth.service import RoleNotAllowedError
from core.capture import Frame, open_source
from core.capture.monitor import FrameMonitor
from core.errors import ValidationError
from core.memory import release_free_memory
from core.retention import purge_guest_captures
from core.storage.repositories import analyses, consents
from core.storage.results import save_analysis
from ui.kiosk.ports import (
    IDLE_WARNING_SECONDS,
    RGB,
    AnalysisView,
    CancelledError,
    ConsentChoice,
    ConsentText,
    FrameCheck,
    FrameReader,
    KioskConfig,
    Patient,
    Progress,
    SyncView,
)

HOLD_STILL = "Hold still"
PATIENT_ONLY = frozenset({"patient"})
STAFF_REFUSED = "Staff accounts cannot sign in here. Use a patient account, or continue as a guest."


class LiveInspector:
    """Camera health (black, frozen) first, then the engine's own live quality checks."""

    def __init__(self) -> None:
        self.monitor = FrameMonitor()
        self.quality = LiveQuality()

    def reset(self) -> None:
        self.monitor = FrameMonitor()
        self.quality.reset()

    def inspect(self, rgb: RGB, *, live: bool) -> FrameCheck:
        health = self.monitor.check(Frame(rgb, 0.0, 0))
        if health.black or (live and health.frozen):
            self.quality.reset()
            return FrameCheck(ok=False, instruction="", camera_problem=health.message)
        report = self.quality.assess(rgb)
        failing = tuple(c.name for c in report.checks if c.status == "fail")
        instruction = report.messages[0] if report.messages and not report.ok else HOLD_STILL
        judged = tuple(c.name for c in report.checks)
        return FrameCheck(report.ok, instruction, failing=failing, judged=judged)


class KioskAppServices(TakeAwayServices):
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.store = KioskConfigStore(ctx.settings)
        self.pins = PinGuard(self.store, ctx.database, lockout_minutes=ctx.settings.lockout_minutes)
        self.mail_limits = MailLimits(
            ctx.database,
            per_visit=ctx.settings.kiosk_emails_per_visit,
            per_hour=ctx.settings.kiosk_emails_per_hour,
            visit_lasts=lambda: timedelta(
                seconds=self.config().idle_seconds + IDLE_WARNING_SECONDS
            ),
        )

    # -- configuration -------------------------------------------------------------------------
    def config(self) -> KioskConfig:
        saved = self.store.load()
        settings = self.ctx.settings
        logo = saved.clinic_logo or (str(settings.clinic_logo) if settings.clinic_logo else None)
        return KioskConfig(
            clinic_name=saved.clinic_name or settings.clinic_name,
            logo_path=Path(logo) if logo else None,
            idle_seconds=saved.idle_seconds or settings.kiosk_idle_seconds,
            camera=saved.camera or "auto",
            has_pin=bool(saved.pin_hash),
        )

    def save_config(
        self,
        *,
        camera: str,
        idle_seconds: int,
        clinic_name: str,
        logo_path: Path | None,
    ) -> KioskConfig:
        if idle_seconds < 20:
            raise ValidationError("The idle time must be at least 20 seconds")
        if not clinic_name.strip():
            raise ValidationError("Enter the clinic's name")
        if logo_path is not None and not Path(logo_path).is_file():
            raise ValidationError(f"The logo {logo_path} does not exist")
        open_source(camera)  # validates the spec's form without opening a device
        current = self.store.load()
        self.store.save(
            replace(
                current,
                camera=camera.strip(),
                idle_seconds=idle_seconds,
                clinic_name=clinic_name.strip(),
                clinic_logo=str(logo_path) if logo_path else None,
            )
        )
        return self.config()

    def check_pin(self, pin: str) -> None:
        self.pins.check(pin)

    def set_pin(self, pin: str) -> None:
        self.store.set_pin(pin)

    # -- camera --------------------------------------------------------------------------------
    def open_camera(self, spec: str) -> FrameReader:
        return open_source(spec)

    def new_inspector(self) -> LiveInspector:
        return LiveInspector()

    # -- people --------------------------------------------------------------------------------
    def sign_in(self, email: str, password: str) -> Patient:
        """Patients only: a staff account (right password) is refused here, and audited."""
        try:
            signed = self.ctx.auth.login(email, password, roles=PATIENT_ONLY)
        except RoleNotAllowedError as exc:
            raise RoleNotAllowedError(STAFF_REFUSED) from exc
        return Patient(str(signed.user_id), signed.email, signed.full_name)

    def register(self, *, email: str, first_name: str, last_name: str, password: str) -> Patient:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError("Enter your first and last name")
        self.ctx.auth.register(
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role="patient",
            password=password,
        )
        return self.sign_in(email, password)

    def consent_text(self) -> ConsentText:
        config = self.config()
        return ConsentText(
            version=CONSENT_VERSION,
            title="Before we take your photo",
            paragraphs=consent_paragraphs(clinic_name=config.clinic_name),
            guest_note=GUEST_NOTE,
        )

    def record_consent(
        self, patient: Patient | None, *, version: str, choice: ConsentChoice
    ) -> None:
        """The answer itself is recorded (with the text's version and time), even a refusal. A
        guest's answer says 0 days: nothing of theirs outlives the visit."""
        retention = None if patient is not None else 0
        with self.ctx.database.write() as session:
            consents.record(
                session,
                user_id=uuid.UUID(patient.user_id) if patient else None,
                text_version=version,
                granted=choice.granted,
                allow_storage=choice.allow_storage,
                allow_sync=choice.allow_sync,
                retention_days=retention,
            )

    # -- analysis ------------------------------------------------------------------------------
    def warm_up(self) -> None:
        load_models()

    def analyse(
        self,
        photo: RGB,
        *,
        patient: Patient | None,
        consent: ConsentChoice,
        progress: Progress,
        cancel: threading.Event,
    ) -> AnalysisView:
        def step(name: str) -> None:
            if cancel.is_set():
                raise CancelledError("The analysis was cancelled; nothing was stored.")
            progress(name)

        step("Checking the photo")
        if photo.ndim != 3 or photo.shape[2] != 3 or min(photo.shape[:2]) < 64:
            raise ValidationError("The photo is too small or not in colour; please retake it.")
        measured = measure(
            photo, progress=step
        )  # the engine's own stages; cancel stops it between them
        previous: dict[str, float] | None = None
        previous_date = ""
        since = SinceThen()
        if patient is not None:
            step("Comparing with your last visit")
            earlier, since = self._since_last_visit(patient, measured, step)
            if earlier is not None:
                previous = earlier.levels
                previous_date = earlier.taken_at.strftime("%d %b %Y")
        saved = False
        if patient is not None and consent.granted and consent.allow_storage:
            step("Saving your results")
            self._save(measured, photo=photo, patient=patient)
            saved = True
        return AnalysisView(
            result=result_view(
                measured.result, previous=previous, spreads=since.spreads, again=since.pairs
            ),
            photo=measured.display,
            overlays=measured.layers,
            saved=saved,
            record=measured.result,
            previous=previous,
            previous_date=previous_date,
            not_compared=since.not_compared,
            spreads=since.spreads,
            like_for_like=since.pairs,
            read_again=since.where,
        )

    def _since_last_visit(
        self, patient: Patient, measured: Measured, step: Progress
    ) -> tuple[PreviousVisit | None, SinceThen]:
        """The patient's own last visit, only what was measured on the same skin as today; what
        was measured on different skin is read again like for like from both photos (two more
        analyses, only then), and stays "not compared" when the earlier photo is not here."""
        with self.ctx.database.read() as session:
            earlier = previous_visit(session, uuid.UUID(patient.user_id), measured.result)
            if earlier is None:
                return None, SinceThen()
            prior = (
                analyses.get(session, earlier.analysis_id)
                if earlier.not_compared and earlier.analysis_id
                else None
            )
            reading = None
            if prior is not None:
                step("Comparing on the skin both photos show")
                reading = read_since_if_possible(
                    self.ctx.images,
                    prior,
                    measured.jpeg,
                    measured.result,
                    keys=earlier.not_compared,
                )
        return earlier, since_then(earlier.not_compared, earlier.spreads, reading)

    def _save(self, measured: Measured, *, photo: RGB, patient: Patient) -> None:
        height, width = photo.shape[:2]
        with self.ctx.database.write() as session:
            # The answer recorded for this visit (record_consent runs just before): the analysis
            # carries it, and leaves the kiosk only if it allows syncing.
            user_id = uuid.UUID(patient.user_id)
            consent = consents.latest(session, user_id)
            save_analysis(
                session,
                self.ctx.images,
                result=measured.result,
                user_id=user_id,
                image=measured.jpeg,
                thumbnail=measured.thumbnail,
                image_size=(width, height),
                consent_id=consent.consent_id if consent else None,
            )

    # -- end of a visit, admin -----------------------------------------------------------------
    def end_session(self) -> int:
        """The reset: no guest capture stays (this version stores none; older ones did), and the
        next visitor starts with the visit's email allowance (the hour's cap still counts), and the
        memory the visit's analysis freed goes back to the system (a kiosk runs for months)."""
        self.mail_limits.new_visit()
        purged = purge_guest_captures(self.ctx.database, self.ctx.images, older_than_days=0)
        release_free_memory()
        return purged

    def sync_status(self) -> SyncView:
        status = self.ctx.sync.status()
        if not status.enrolled:
            return SyncView("Not connected to a sync server", ("Results stay on this kiosk.",))
        last = status.last_success.strftime("%d %b %Y %H:%M") if status.last_success else "never"
        details = [
            f"Server: {status.server_url} ({status.clinic_name})",
            f"Last successful sync: {last}",
            f"Changes waiting: {status.pending_changes}",
        ]
        if status.last_error:
            details.append(f"Last error: {status.last_error}")
        return SyncView("Connected" if not status.last_error else "Sync problem", tuple(details))
