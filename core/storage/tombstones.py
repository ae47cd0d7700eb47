"""Record a :class:`Tombstone` for every synced row deleted through a session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from core.storage.models import SYNCED_MODELS, Tombstone
from core.storage.types import utcnow


def _primary_key_text(obj: Any) -> str:
    identity = inspect(obj).identity
    if not identity:
        raise ValueError(f"cannot tombstone an unsaved {type(obj).__name__}")
    return str(identity[0])


@event.listens_for(Session, "before_flush")
def _record_tombstones(session: Session, flush_context: Any, instances: Any) -> None:
    now = utcnow()
    for obj in list(session.deleted):
        if not isinstance(obj, SYNCED_MODELS):
            continue
        entity = type(obj).__tablename__
        entity_id = _primary_key_text(obj)
        existing = session.scalar(
            select(Tombstone).where(Tombstone.entity == entity, Tombstone.entity_id == entity_id)
        )
        if existing is None:
            session.add(Tombstone(entity=entity, entity_id=entity_id, deleted_at=now))
