"""Save analysed files for the patient, in this (the UI) process's import thread, through core
storage.

The files that finished analysing while the last save ran are saved together: their photo and
thumbnail files are written side by side (each write waits on its own fsync, not on the others'),
then one unit of work saves their rows, one savepoint per file, and commits once. Under load a
commit's fsync took ~85 ms and each file's ~65 ms: saved one by one, 100 photos spent ~18 s
waiting on the disk, longer than two cores took to analyse them.

The unit of work first checks, inside the same write transaction, that the person importing still
may write results and that the patient still exists: an erasure (local, or arriving by sync)
either commits before it, and the save is refused with :class:`PatientGoneError`, or after it, and
erases what was saved. A file that fails (already imported, say) is only that file's failure; its
photo files are removed again if nothing refers to them, so an import leaves no orphaned photo.

Not in a process of its own: saving needs the data key and this device's hybrid logical clock,
and two processes stamping changes with the same clock could give two changes the same stamp.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

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
FILE_WRITERS = 4


class ToSave(NamedTuple):
    analysed: Analysed
    visit: datetime
    date_source: str


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
        """Store one file's photo, thumbnail and result dated ``visit``; return the analysis id."""
        (saved,) = self.save_many([ToSave(analysed, visit, date_source)])
        if isinstance(saved, SkinLabError):
            raise saved
        return saved

    def save_many(self, batch: Sequence[ToSave]) -> list[str | SkinLabError]:
        """Store each file (photo, thumbnail, result) in one unit of work; per file, its analysis
        id or why it was not saved. Raises (nothing saved) if the patient or the person's right
        to write is gone."""
        if not batch:
            return []
        digests = [
            {hashlib.sha256(d).hexdigest() for d in (s.analysed.image, s.analysed.thumbnail)}
            for s in batch
        ]
        outcomes: list[str | SkinLabError] = []
        try:
            self._write_files(batch)
            with self.ctx.database.write() as session:
                self._check(session)
                for item in batch:
                    try:
                        with session.begin_nested():
                            outcomes.append(self._save(session, item))
                    except SkinLabError as exc:
                        outcomes.append(exc)
        except BaseException:
            self._drop_unreferenced(set().union(*digests))
            raise
        failed = [d for d, o in zip(digests, outcomes, strict=True) if not isinstance(o, str)]
        if failed:
            self._drop_unreferenced(set().union(*failed))
        return outcomes

    def _write_files(self, batch: Sequence[ToSave]) -> None:
        """The photo files first, side by side (the rows' ``put`` then finds them written)."""
        blobs = [b for s in batch for b in (s.analysed.image, s.analysed.thumbnail)]
        if len(blobs) <= 2:
            return
        with ThreadPoolExecutor(
            max_workers=FILE_WRITERS, thread_name_prefix="skinlab-save"
        ) as pool:
            for _digest in pool.map(self.ctx.images.put, blobs):
                pass

    def _check(self, session: Session) -> None:
        actor = session.get(User, self.actor_id)
        if actor is None or not actor.is_active:
            raise InactiveUserError("Your account was deactivated during the import.")
        require(actor, Permission.WRITE_RESULTS, owner_id=self.patient_id)
        patient = session.get(User, self.patient_id)
        if patient is None or patient.role != "patient":
            raise self.gone()

    def _save(self, session: Session, item: ToSave) -> str:
        analysed, visit, date_source = item
        photo_digest = hashlib.sha256(analysed.image).hexdigest()
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
