"""The audit log: append-only events of who did what."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.storage.models import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    actor_id: uuid.UUID | None = None,
    target_type: str | None = None,
    target_id: uuid.UUID | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=str(actor_id) if actor_id else None,
        target_type=target_type,
        target_id=str(target_id) if target_id else None,
        details=dict(details or {}),
    )
    session.add(event)
    return event


def recent(
    session: Session, *, limit: int = 100, action: str | None = None
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return session.scalars(query).all()
