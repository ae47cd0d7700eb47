"""Save one analysed file for the patient, in this (the UI) process, through core storage.

Each save is one unit of work that first checks, inside the same write transaction, that the
person importing still may write results and that the patient still exists: an erasure (local, or
arriving by sync) either commits before it, and the save is refused with
:class:`PatientGoneError`, or after it, and erases what was saved. A save that fails after the photo
file was written removes the file again, so an import leaves no orphaned photo.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from app.context import AppContext
from app.desktop.importing.errors import AlreadyImportedError, PatientGoneError
from app.desktop.importing.worker import Analysed
from core.audit.actions import ANALYSIS_IMPORTED
from core.auth import Permission, require
from core.errors import InactiveUserError, SkinLabError
from core.storage.models import ImageBlob, SkinAnalysisResult, User
from core.storage.repositories import audit
from core.storage.results import save_analysis

log = logging.getLogger(__name__)


class ImportSaver:
    def __init__(
        self, ctx: AppContext, *, actor_id: uuid.UUID, patient_id: uuid.UUID, patient_name: str
    ) -> None:
        self.ctx = ctx
        self.actor_id = actor_id
        self.patient_id = patient_id
        self.patient_name = patient_name

    def gone(self) -> PatientGoneError:
        return PatientGoneError(
            f"{self.patient_name} was erased during the import: the import stopped and nothing "
            "more was saved for them."
        )

    def save(self, analysed: Analysed, *, visit: datetime, date_source: str) -> str:
        """Store the photo, thumbnail and result dated ``visit``; return the analysis id."""
        digests = {hashlib.sha256(d).hexdigest() for d in (analysed.image, analysed.thumbnail)}
        try:
            return self._save(analysed, visit=visit, date_source=date_source)
        except BaseException:
            self._drop_unreferenced(digests)
            raise

    def _save(self, analysed: Analysed, *, visit: datetime, date_source: str) -> str:
        photo_digest = hashlib.sha256(analysed.image).hexdigest()
        with self.ctx.database.write() as session:
            actor = session.get(User, self.actor_id)
            if actor is None or not actor.is_active:
                raise InactiveUserError("Your account was deactivated during the import.")
            require(actor, Permission.WRITE_RESULTS, owner_id=self.patient_id)
            patient = session.get(User, self.patient_id)
            if patient is None or patient.role != "patient":
                raise self.gone()
            earlier = session.scalar(
                select(SkinAnalysisResult.created_at).where(
                    SkinAnalysisResult.user_id == self.patient_id,
                    SkinAnalysisResult.image_sha256 == photo_digest,
                )
            )
            if earlier is not None:
                raise AlreadyImportedError(
                    f"This photo is already in {self.patient_name}'s visits "
                    f"({earlier.astimezone():%d %b %Y})."
                )
            result = dict(analysed.result)
            result["created_at"] = visit.astimezone(UTC).isoformat(timespec="seconds")
            row = save_analysis(
                session,
                self.ctx.images,
                result=result,
                user_id=self.patient_id,
                image=analysed.image,
                media_type=analysed.media_type,
                thumbnail=analysed.thumbnail,
                image_size=analysed.size,
            )
            audit.record(
                session,
                ANALYSIS_IMPORTED,
                actor_id=self.actor_id,
                target_type="user",
                target_id=self.patient_id,
                details={
                    "analysis_id": str(row.analysis_id),
                    "date_from": date_source,
                    "turned": analysed.turned,
                },
            )
            return str(row.analysis_id)

    def _drop_unreferenced(self, digests: set[str]) -> None:
        """Files written by a save whose transaction did not commit (no row points at them)."""
        try:
            with self.ctx.database.read() as session:
                kept = set(
                    session.scalars(select(ImageBlob.sha256).where(ImageBlob.sha256.in_(digests)))
                )
            for digest in digests - kept:
                self.ctx.images.delete(digest)
        except SkinLabError as exc:  # logged once here; the save's own error is what is shown
            log.warning("Could not tidy the photo files of a failed import save: %s", exc)
