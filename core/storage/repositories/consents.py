"""Consent records: what a person agreed to, under which version of the consent text."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.storage.models import ConsentRecord


def record(
    session: Session,
    *,
    user_id: uuid.UUID | None,
    text_version: str,
    granted: bool,
    allow_storage: bool = False,
    allow_sync: bool = False,
    retention_days: int | None = None,
) -> ConsentRecord:
    if not text_version.strip():
        raise ValidationError("A consent record needs the version of the text that was shown")
    if retention_days is not None and retention_days < 0:
        raise ValidationError("Retention must be zero or more days")
    consent = ConsentRecord(
        user_id=user_id,
        text_version=text_version.strip(),
        granted=granted,
        allow_storage=granted and allow_storage,
        allow_sync=granted and allow_sync,
        retention_days=retention_days,
    )
    session.add(consent)
    session.flush()
    return consent


def latest(session: Session, user_id: uuid.UUID) -> ConsentRecord | None:
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.recorded_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def latest_guest(session: Session) -> ConsentRecord | None:
    """The newest answer given without an account (a guest at the kiosk)."""
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.user_id.is_(None))
        .order_by(ConsentRecord.recorded_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def for_user(session: Session, user_id: uuid.UUID) -> Sequence[ConsentRecord]:
    query = select(ConsentRecord).where(ConsentRecord.user_id == user_id)
    return session.scalars(query.order_by(ConsentRecord.recorded_at)).all()
