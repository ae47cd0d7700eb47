"""The Reports page's port (``ui.desktop.reports.ports.ReportsPort``) over core.

Who may: a patient's visits, reports and data export need ``read_results`` and
``export_reports`` on that patient (clinicians and administrators; the data export goes through
``core.privacy.export``, which lets clinicians and administrators export). Erasure goes through
``core.privacy.erasure.erase_patient``: administrators only, and only once the patient's name has
been typed. Everything here is audited: ``patient_viewed`` when the visits are listed,
``report_exported`` for each PDF, ``patient_exported`` and ``patient_erased`` from core.privacy.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy import select

from app.context import AppContext
from app.desktop.access import actor
from app.desktop.exports.atomic import write_file, write_folder
from app.desktop.importing.service import choice
from app.desktop.reports import progress
from app.read_again import read_if_possible
from app.reports import build_report_data
from core.analysis import METRIC_NAMES
from core.audit.actions import PATIENT_VIEWED, REPORT_EXPORTED
from core.auth import Permission, require
from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.privacy.actor import ERASE, Actor
from core.privacy.actor import require as privacy_require
from core.privacy.erasure import erase_patient as core_erase
from core.privacy.export import export_patient
from core.storage.models import SkinAnalysisResult, User
from core.storage.repositories import audit, patients_record
from ui.desktop.ports import SessionInfo
from ui.desktop.reports.ports import Erased, PatientVisits, VisitRow
from ui.reports.pdf import render_pdf_bytes
from ui.reports.progress import render_progress_pdf
from ui.reports.progress_model import ProgressData

CSV_COLUMNS = (
    "visit_date_utc",
    "analysis_id",
    "skin_score",
    *METRIC_NAMES,
    "skin_type",
    "engine_version",
)


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not {what}") from exc


def same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


class ReportServices:
    """A part of ``DesktopServices`` (which sets ``ctx``)."""

    ctx: AppContext

    def _reader(self, session: SessionInfo, patient_id: uuid.UUID) -> User:
        user = actor(self.ctx, session, Permission.READ_RESULTS, owner_id=patient_id)
        require(user, Permission.EXPORT_REPORTS, owner_id=patient_id)
        return user

    def _patient(self, db: object, patient_id: uuid.UUID) -> User:
        patient = db.get(User, patient_id)  # type: ignore[attr-defined]
        if not isinstance(patient, User) or patient.role != "patient":
            raise NotFoundError("That patient is no longer on this device.")
        return patient

    def patient_visits(self, session: SessionInfo, patient_id: str) -> PatientVisits:
        pid = _uuid(patient_id, "a patient id")
        user = self._reader(session, pid)
        with self.ctx.database.write() as db:
            patient = self._patient(db, pid)
            # Newest first, from the covering history index (not the visits' result documents).
            visits = tuple(
                VisitRow(
                    str(r.analysis_id),
                    r.taken_at.astimezone(),
                    float(r.skin_score),
                    bool(r.image_sha256),
                )
                for r in reversed(patients_record.visits(db, pid))
            )
            audit.record(
                db,
                PATIENT_VIEWED,
                actor_id=user.user_id,
                target_type="user",
                target_id=pid,
                details={"view": "reports"},
            )
            who = choice(patient)
        try:
            privacy_require(Actor(role=user.role, user_id=user.user_id), ERASE, patient_id=pid)
            may_erase = True
        except PermissionDeniedError:
            may_erase = False
        return PatientVisits(patient=who, visits=visits, may_erase=may_erase)

    def _exported(self, user: User, patient_id: uuid.UUID, details: dict[str, object]) -> None:
        with self.ctx.database.write() as db:
            audit.record(
                db,
                REPORT_EXPORTED,
                actor_id=user.user_id,
                target_type="user",
                target_id=patient_id,
                details=details,
            )

    def save_visit_report(self, session: SessionInfo, analysis_id: str, target: Path) -> Path:
        aid = _uuid(analysis_id, "an analysis id")
        with self.ctx.database.read() as db:
            owner = db.scalar(
                select(SkinAnalysisResult.user_id).where(SkinAnalysisResult.analysis_id == aid)
            )
        if owner is None:
            raise NotFoundError("That visit is no longer on this device.")
        user = self._reader(session, owner)
        pdf = render_pdf_bytes(build_report_data(self.ctx, aid))
        written = write_file(Path(target), pdf)
        self._exported(user, owner, {"kind": "visit", "analysis_id": str(aid)})
        return written

    def progress_data(
        self, session: SessionInfo, patient_id: str, *, since: datetime, until: datetime
    ) -> ProgressData:
        pid = _uuid(patient_id, "a patient id")
        self._reader(session, pid)
        if until < since:
            raise ValidationError("The period ends before it starts: check the two dates.")
        with self.ctx.database.read() as db:
            patient = self._patient(db, pid)
            name = patient.full_name
            rows = progress.in_period(list(patient.analyses), since, until)
            if not rows:
                raise ValidationError(
                    f"{name} has no visits between {since:%d %b %Y} and {until:%d %b %Y}."
                )
            with_photo = [r for r in rows if r.image_sha256]
            before = progress.photo(self.ctx.images, with_photo[0] if with_photo else None)
            after = progress.photo(self.ctx.images, with_photo[-1] if len(with_photo) > 1 else None)
            data = ProgressData(
                clinic_name=self.ctx.settings.clinic_name,
                patient_name=name,
                since=since,
                until=until,
                visits=tuple(progress.visit(r) for r in rows),
                before=before,
                after=after,
                changes=progress.changes(
                    rows, partial(read_if_possible, self.ctx.images, keys=METRIC_NAMES)
                ),
                labels=progress.labels(),
                logo_path=self.ctx.settings.clinic_logo,
            )
        return data

    def save_progress_report(
        self,
        session: SessionInfo,
        patient_id: str,
        *,
        since: datetime,
        until: datetime,
        target: Path,
    ) -> Path:
        data = self.progress_data(session, patient_id, since=since, until=until)
        written = write_file(Path(target), render_progress_pdf(data))
        user = actor(
            self.ctx, session, Permission.EXPORT_REPORTS, owner_id=_uuid(patient_id, "a patient id")
        )
        self._exported(
            user,
            _uuid(patient_id, "a patient id"),
            {
                "kind": "progress",
                "since": since.isoformat(),
                "until": until.isoformat(),
                "visits": len(data.visits),
            },
        )
        return written

    def export_patient_data(self, session: SessionInfo, patient_id: str, target: Path) -> Path:
        pid = _uuid(patient_id, "a patient id")
        user = self._reader(session, pid)
        who = Actor(role=user.role, user_id=user.user_id)

        def fill(folder: Path) -> None:
            export_patient(
                self.ctx.database, self.ctx.images, actor=who, out_dir=folder, user_id=pid
            )
            (folder / "visits.csv").write_bytes(self._visits_csv(pid))

        return write_folder(Path(target), fill)

    def _visits_csv(self, patient_id: uuid.UUID) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        with self.ctx.database.read() as db:
            rows = db.scalars(
                select(SkinAnalysisResult)
                .where(SkinAnalysisResult.user_id == patient_id)
                .order_by(SkinAnalysisResult.created_at)
            )
            for row in rows:
                metrics = row.metrics or {}
                writer.writerow(
                    [
                        row.created_at.isoformat(),
                        str(row.analysis_id),
                        row.skin_score,
                        *("" if metrics.get(k) is None else metrics[k] for k in METRIC_NAMES),
                        row.skin_type_detected or "",
                        row.engine_version,
                    ]
                )
        return out.getvalue().encode("utf-8")

    def erase_patient(self, session: SessionInfo, patient_id: str, typed_name: str) -> Erased:
        pid = _uuid(patient_id, "a patient id")
        user = actor(self.ctx, session, Permission.LIST_PATIENTS)
        who = Actor(role=user.role, user_id=user.user_id)
        privacy_require(who, ERASE, patient_id=pid)
        with self.ctx.database.read() as db:
            name = self._patient(db, pid).full_name
        if not same_name(typed_name, name):
            raise ValidationError(
                f"Type the patient's name exactly as shown ({name}) to erase them."
            )
        report = core_erase(
            self.ctx.database,
            self.ctx.images,
            actor=who,
            user_id=pid,
            erasure_log=self.ctx.erasure_log,
            cache=self.ctx.cache,
        )
        return Erased(name=name, analyses=report.analyses, photos=report.images)
