"""A patient's record (``ui.desktop.ports.RecordPort``) over core.

Who may: reading a record, its thumbnails and notes needs ``read_results`` on that patient
(clinicians and administrators; a patient account never reaches the desktop); adding a note needs
``write_notes``. Each opening of a record and each note leaves an audit event (no note text).
Notes are append-only: there is no call to change or delete one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from app.context import AppContext
from app.desktop.access import actor
from app.desktop.patients import patient_uuid
from core.auth import Permission, is_allowed
from core.errors import NotFoundError, StorageError
from core.storage.repositories import audit, consents, notes, patients, patients_record
from core.storage.repositories.patients_record import NoteRow
from ui.desktop.ports import (
    ConsentView,
    NoteView,
    PatientDetails,
    PatientRecord,
    SessionInfo,
    VisitSummary,
)

log = logging.getLogger(__name__)
FORMER_STAFF = "A former member of staff"


def _note(row: NoteRow) -> NoteView:
    return NoteView(
        note_id=str(row.note_id),
        written_at=row.written_at,
        author=row.author_name or FORMER_STAFF,
        body=row.body,
    )


class RecordServices:
    ctx: AppContext

    def patient_record(self, session: SessionInfo, patient_id: str) -> PatientRecord:
        owner = patient_uuid(patient_id)
        who = actor(self.ctx, session, Permission.READ_RESULTS, owner_id=owner)
        with self.ctx.database.write() as db:
            user = patients.require_patient(db, owner)
            details = PatientDetails(
                patient_id=patient_id,
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                birth_year=user.birth_year,
                fitzpatrick_type=user.fitzpatrick_type,
                fragrance_free=user.fragrance_free,
                pregnancy=user.pregnancy,
                sensitive_skin=user.sensitive_skin,
                registered=user.created_at,
            )
            visits = tuple(
                VisitSummary(
                    analysis_id=str(v.analysis_id),
                    taken_at=v.taken_at,
                    skin_score=float(v.skin_score),
                    metrics={k: float(x) for k, x in (v.metrics or {}).items() if x is not None},
                    has_photo=v.image_sha256 is not None,
                    engine_version=v.engine_version,
                )
                for v in patients_record.visits(db, owner)
            )
            consent_views = tuple(
                ConsentView(
                    recorded_at=c.recorded_at,
                    text_version=c.text_version,
                    granted=c.granted,
                    allow_storage=c.allow_storage,
                    allow_sync=c.allow_sync,
                    retention_days=c.retention_days,
                )
                for c in consents.for_user(db, owner)
            )
            note_views = tuple(_note(n) for n in patients_record.notes(db, owner))
            audit.record(
                db, "record_viewed", actor_id=who.user_id, target_type="user", target_id=owner
            )
        return PatientRecord(
            details=details,
            consents=consent_views,
            visits=visits,
            notes=note_views,
            may_write_notes=is_allowed(who, Permission.WRITE_NOTES, owner_id=owner),
        )

    def visit_thumbnails(self, session: SessionInfo, patient_id: str) -> Mapping[str, bytes]:
        owner = patient_uuid(patient_id)
        actor(self.ctx, session, Permission.READ_RESULTS, owner_id=owner)
        with self.ctx.database.read() as db:
            digests = patients_record.thumbnails(db, owner)
        found: dict[str, bytes] = {}
        for analysis_id, digest in digests.items():
            try:
                found[str(analysis_id)] = self.ctx.images.read(digest)
            except (OSError, NotFoundError, StorageError) as exc:  # not synced yet, or damaged
                log.info("Thumbnail %s of analysis %s not shown: %s", digest, analysis_id, exc)
        return found

    def add_note(self, session: SessionInfo, patient_id: str, body: str) -> NoteView:
        owner = patient_uuid(patient_id)
        who = actor(self.ctx, session, Permission.WRITE_NOTES, owner_id=owner)
        with self.ctx.database.write() as db:
            patients.require_patient(db, owner)
            note = notes.add(db, patient_id=owner, author_id=who.user_id, body=body)
            audit.record(
                db,
                "note_added",
                actor_id=who.user_id,
                target_type="user",
                target_id=owner,
                details={"note_id": str(note.note_id)},
            )
            return NoteView(
                note_id=str(note.note_id),
                written_at=note.created_at,
                author=who.full_name,
                body=note.body,
            )
