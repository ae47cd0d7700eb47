"""What a patient's record shows, read in few queries: the visits without their full engine
output (a timeline of 200 visits must not read 200 result documents), and the notes with the
names of their authors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

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


def visits(session: Session, user_id: uuid.UUID) -> list[VisitRow]:
    """Every analysis of the patient, oldest first (the index on user and time serves it)."""
    a = SkinAnalysisResult
    rows = session.execute(
        select(
            a.analysis_id,
            a.created_at,
            a.skin_score,
            a.metrics,
            a.thumbnail_sha256,
            a.image_sha256,
            a.engine_version,
        )
        .where(a.user_id == user_id)
        .order_by(a.created_at, a.analysis_id)
    )
    return [VisitRow(*row) for row in rows]


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
