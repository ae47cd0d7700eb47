"""Clinician notes on a patient (append-only: a correction is a new note)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.storage.models import ClinicianNote

MAX_NOTE_CHARS = 20_000


def add(
    session: Session,
    *,
    patient_id: uuid.UUID,
    author_id: uuid.UUID | None,
    body: str,
    analysis_id: uuid.UUID | None = None,
) -> ClinicianNote:
    text = (body or "").strip()
    if not text:
        raise ValidationError("A note must not be empty")
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationError(f"A note is limited to {MAX_NOTE_CHARS} characters")
    note = ClinicianNote(
        patient_id=patient_id, author_id=author_id, body=text, analysis_id=analysis_id
    )
    session.add(note)
    session.flush()
    return note


def for_patient(session: Session, patient_id: uuid.UUID) -> Sequence[ClinicianNote]:
    query = (
        select(ClinicianNote)
        .where(ClinicianNote.patient_id == patient_id)
        .order_by(ClinicianNote.created_at.desc())
    )
    return session.scalars(query).all()
