"""Save analysed files for the patient, in this (the UI) process's import thread, through core
storage.

The files that finished analysing while the last save ran are saved together: their photo and
thumbnail files are written side by side (each write waits on its own fsync, not on the others'),
then one unit of work saves their rows and commits once. Under load a commit's fsync took ~85 ms
and each file's ~65 ms: saved one by one, 100 photos spent ~18 s waiting on the disk, longer than
two cores took to analyse them.

This process's CPU is what a second core cannot share (``docs/benchmarks.md``, "Desktop
import"), so a save does each thing once: a file's digests are computed once, its files are
written once (never read back), and the unit of work asks the database once per batch (who is
importing, which photos are there already, which image rows exist, the audit chain's head), then
flushes every row in one go: 10 statements for a photo saved alone, where it took 19.
Everything that can fail one file alone (an incomplete result, a photo imported before, a file
that cannot be written) is decided before that flush, so no savepoint is needed.

The unit of work first checks, inside the same write transaction, that the person importing still
may write results and that the patient still exists: an erasure (local, or arriving by sync)
either commits before it, and the save is refused with :class:`PatientGoneError`, or after it, and
erases what was saved. A file that fails (already imported, say) is only that file's failure; its
photo files are removed again if nothing refers to them, so an import leaves no orphaned photo.

Not in a process of its own: saving needs the data key and this device's hybrid logical clock,
and two processes stamping changes with the same clock could give two changes the same stamp.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import repeat
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.desktop.importing.errors import AlreadyImportedError, PatientGoneError
from app.desktop.importing.worker import Analysed
from core.audit.actions import ANALYSIS_IMPORTED
from core.auth import Permission, require
from core.errors import InactiveUserError, SkinLabError
from core.storage.images import ImageStore, Written, add_image_rows, sha256_hex
from core.storage.models import ImageBlob, SkinAnalysisResult, User
from core.storage.repositories import audit
from core.storage.results import analysis_row, check_result

log = logging.getLogger(__name__)
FILE_WRITERS = 4


class ToSave(NamedTuple):
    analysed: Analysed
    visit: datetime
    date_source: str


class _File(NamedTuple):
    """One file of a batch, prepared once: its digests, its result dated, or why it cannot be saved."""

    item: ToSave
    photo: str
    thumb: str
    result: dict[str, Any]
    problem: SkinLabError | None

    @classmethod
    def of(cls, item: ToSave) -> _File:
        analysed = item.analysed
        result = dict(analysed.result)
        result["created_at"] = item.visit.astimezone(UTC).isoformat(timespec="seconds")
        try:
            check_result(result)
            problem = None
        except SkinLabError as exc:
            problem = exc
        photo, thumb = sha256_hex(analysed.image), sha256_hex(analysed.thumbnail)
        return cls(item, photo, thumb, result, problem)

    @property
    def digests(self) -> tuple[str, str]:
        return self.photo, self.thumb

    @property
    def blobs(self) -> tuple[bytes, bytes]:
        return self.item.analysed.image, self.item.analysed.thumbnail


def _settled(outcome: str | SkinLabError | None) -> str | SkinLabError:
    if outcome is None:  # every file is decided inside the unit of work
        raise RuntimeError("An import save left a file undecided")
    return outcome


def _put(store: ImageStore, blob: bytes) -> SkinLabError | None:
    try:
        store.put(blob)
    except SkinLabError as exc:
        return exc
    return None


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
        files = [_File.of(item) for item in batch]
        outcomes: list[str | SkinLabError | None] = [f.problem for f in files]
        try:
            self._write_files(files, outcomes)
            with self.ctx.database.write() as session:
                self._check(session)
                self._add_rows(session, files, outcomes)
        except BaseException:
            self._drop_unreferenced({d for f in files for d in f.digests})
            raise
        done = [_settled(o) for o in outcomes]
        failed = {
            d for f, o in zip(files, done, strict=True) if not isinstance(o, str) for d in f.digests
        }
        if failed:
            self._drop_unreferenced(failed)
        return done

    def _write_files(self, files: list[_File], outcomes: list[str | SkinLabError | None]) -> None:
        """Each file's photo and thumbnail, side by side when there are several files (each write
        waits on its own fsync). A file whose write fails (a full disk, say) fails alone."""
        todo = [(n, blob) for n, f in enumerate(files) if outcomes[n] is None for blob in f.blobs]
        if len(todo) <= 2:
            results = [_put(self.ctx.images, blob) for _n, blob in todo]
        else:
            with ThreadPoolExecutor(
                max_workers=FILE_WRITERS, thread_name_prefix="skinlab-save"
            ) as pool:
                results = list(pool.map(_put, repeat(self.ctx.images), (b for _n, b in todo)))
        for (n, _blob), error in zip(todo, results, strict=True):
            if error is not None and outcomes[n] is None:
                outcomes[n] = error

    def _check(self, session: Session) -> None:
        """One query for both people: the importer still active and allowed, the patient there."""
        wanted = {self.actor_id, self.patient_id}
        found = {
            u.user_id: u for u in session.scalars(select(User).where(User.user_id.in_(wanted)))
        }
        actor = found.get(self.actor_id)
        if actor is None or not actor.is_active:
            raise InactiveUserError("Your account was deactivated during the import.")
        require(actor, Permission.WRITE_RESULTS, owner_id=self.patient_id)
        patient = found.get(self.patient_id)
        if patient is None or patient.role != "patient":
            raise self.gone()

    def _add_rows(
        self, session: Session, files: list[_File], outcomes: list[str | SkinLabError | None]
    ) -> None:
        """The rows of every file still to save, flushed once: a duplicate check for the batch in
        one query, the image rows in one, the audit chain's head read and moved once."""
        todo = [n for n, o in enumerate(outcomes) if o is None]
        if not todo:
            return
        photos = {files[n].photo for n in todo}
        found = session.execute(
            select(SkinAnalysisResult.image_sha256, SkinAnalysisResult.created_at).where(
                SkinAnalysisResult.user_id == self.patient_id,
                SkinAnalysisResult.image_sha256.in_(photos),
            )
        )
        earlier = {digest: when for digest, when in found if digest}
        images: list[Written] = []
        events: list[audit.Event] = []
        for n in todo:
            f = files[n]
            when = earlier.get(f.photo)
            if when is not None:
                outcomes[n] = AlreadyImportedError(
                    f"This photo is already in {self.patient_name}'s visits "
                    f"({when.astimezone():%d %b %Y})."
                )
                continue
            earlier[f.photo] = f.item.visit  # the same photo twice in one batch
            analysed = f.item.analysed
            images += [
                Written(f.photo, analysed.media_type, len(analysed.image), *analysed.size),
                Written(f.thumb, "image/jpeg", len(analysed.thumbnail)),
            ]
            row = analysis_row(
                result=f.result,
                user_id=self.patient_id,
                image_sha256=f.photo,
                thumbnail_sha256=f.thumb,
            )
            session.add(row)
            outcomes[n] = str(row.analysis_id)
            events.append(
                audit.Event(
                    ANALYSIS_IMPORTED,
                    actor_id=self.actor_id,
                    target_type="user",
                    target_id=self.patient_id,
                    details={
                        "analysis_id": str(row.analysis_id),
                        "date_from": f.item.date_source,
                        "turned": analysed.turned,
                    },
                )
            )
        add_image_rows(session, images)
        audit.record_many(session, events)  # flushes the images, results and events together

    def _drop_unreferenced(self, digests: set[str]) -> None:
        """Files written by a save whose transaction did not commit (no row points at them)."""
        try:
            with self.ctx.database.read() as session:
                kept = set(
                    session.scalars(select(ImageBlob.sha256).where(ImageBlob.sha256.in_(digests)))
                )
        except SkinLabError as exc:  # logged once here; the save's own error is what is shown
            log.warning("Could not tidy the photo files of a failed import save: %s", exc)
            return
        for digest in digests - kept:
            try:
                self.ctx.images.delete(digest)
            except OSError as exc:  # what stopped its write may stop its removal: the others go
                log.warning("Could not remove a photo file of a failed import save: %s", exc)
