"""What a patient's record shows, read in few queries: the visits without their full engine
output (a timeline of 200 visits must not read 200 result documents), and the notes with the
names of their authors.

The visit columns are exactly those of SQLite's covering index
``ix_skin_analysis_results_user_history`` (migration 0008): a history is read from adjacent index
pages, never from the table, whose rows hold the whole result documents (several pages for 50
visits even stored together, migration 0010; on an encrypted database every page read is
decrypted). Add a column here only with the index."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.errors import ValidationError
from core.storage.models import ClinicianNote, SkinAnalysisResult, User


@dataclass(frozen=True)
class VisitRow:
    analysis_id: uuid.UUID
    taken_at: datetime
    skin_score: float
    metrics: dict[str, Any]
    thumbnail_sha256: str | None
    image_sha256: str | None
    engine_version: str


@dataclass(frozen=True)
class NoteRow:
    note_id: uuid.UUID
    written_at: datetime
    author_name: str | None
    """None when the author's account no longer exists."""
    body: str
    analysis_id: uuid.UUID | None


_A = SkinAnalysisResult
_VISIT = select(
    _A.analysis_id,
    _A.created_at,
    _A.skin_score,
    _A.metrics,
    _A.thumbnail_sha256,
    _A.image_sha256,
    _A.engine_version,
)


def visits(session: Session, user_id: uuid.UUID) -> list[VisitRow]:
    """Every analysis of the patient, oldest first (from the covering index alone)."""
    query = _VISIT.where(_A.user_id == user_id).order_by(_A.created_at, _A.analysis_id)
    return [VisitRow(*row) for row in session.execute(query)]


def latest_visits(
    session: Session, user_id: uuid.UUID, *, limit: int = 50, before: datetime | None = None
) -> list[VisitRow]:
    """The patient's newest visits first, at most ``limit``; with ``before``, only those taken
    earlier than it (the visit before a given one). From the covering index alone."""
    if limit < 1:
        raise ValidationError(f"A visit history needs a limit of at least 1, not {limit}.")
    query = _VISIT.where(_A.user_id == user_id)
    if before is not None:
        query = query.where(_A.created_at < before)
    query = query.order_by(_A.created_at.desc(), _A.analysis_id.desc()).limit(limit)
    return [VisitRow(*row) for row in session.execute(query)]


def thumbnails(session: Session, user_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """analysis id -> thumbnail digest, for this patient's analyses only."""
    a = SkinAnalysisResult
    rows = session.execute(
        select(a.analysis_id, a.thumbnail_sha256).where(
            a.user_id == user_id, a.thumbnail_sha256.is_not(None)
        )
    )
    return {analysis_id: str(digest) for analysis_id, digest in rows}


def notes(session: Session, user_id: uuid.UUID) -> list[NoteRow]:
    """The patient's notes, newest first, each with its author's name."""
    author = aliased(User)
    rows = session.execute(
        select(
            ClinicianNote.note_id,
            ClinicianNote.created_at,
            author.first_name,
            author.last_name,
            ClinicianNote.body,
            ClinicianNote.analysis_id,
        )
        .outerjoin(author, author.user_id == ClinicianNote.author_id)
        .where(ClinicianNote.patient_id == user_id)
        .order_by(ClinicianNote.created_at.desc(), ClinicianNote.note_id)
    )
    return [
        NoteRow(
            note_id=note_id,
            written_at=written,
            author_name=f"{first} {last}" if first is not None else None,
            body=body,
            analysis_id=analysis_id,
        )
        for note_id, written, first, last, body, analysis_id in rows
    ]
