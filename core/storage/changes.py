"""Every local change to a synced row, recorded in the same transaction as the change itself.

One ``before_flush`` listener stamps hybrid-logical-clock times on the row and on each changed column,
writes a :class:`SyncOutbox` row, and turns deletions into :class:`Tombstone` rows. Changes applied
from the server (``session.info["sync_remote"]``) are merged by the sync code and not echoed back.

An analysis whose consent does not allow syncing is stamped but never queued: it stays on this
device (:mod:`core.storage.sync_consent`). Changes made inside :func:`acting_as` name the signed-in user,
whose role the server checks in its own records.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from core.storage.models import (
    SYNCED_MODELS,
    SkinAnalysisResult,
    Synced,
    SyncOutbox,
    Tombstone,
)
from core.storage.sync_consent import analysis_may_sync
from core.storage.types import new_id, utcnow
from core.sync.hlc import HybridClock
from core.sync.protocol import LOCAL_ONLY

NOT_SYNCED = frozenset({"hlc", "field_clocks"})
_fallback_clock = HybridClock(secrets.token_hex(8))
_acting: ContextVar[str | None] = ContextVar("skinlab_acting_user", default=None)


@contextmanager
def acting_as(user_id: uuid.UUID | str | None) -> Iterator[None]:
    """Record the changes written inside as made by this signed-in user (None: the device)."""
    token = _acting.set(str(user_id) if user_id else None)
    try:
        yield
    finally:
        _acting.reset(token)


_COLUMNS: dict[type[Synced], tuple[str, ...]] = {}


def synced_columns(model: type[Synced]) -> tuple[str, ...]:
    """The columns of ``model`` that travel, primary key excluded."""
    if model not in _COLUMNS:
        mapper = inspect(model)
        keys = {column.key for column in mapper.primary_key}
        skip = NOT_SYNCED | LOCAL_ONLY.get(model.__tablename__, frozenset()) | keys
        _COLUMNS[model] = tuple(attr.key for attr in mapper.column_attrs if attr.key not in skip)
    return _COLUMNS[model]


def entity_id_of(obj: Synced) -> str:
    mapper = inspect(type(obj))
    return str(getattr(obj, mapper.primary_key[0].name))


def _assign_key(obj: Synced) -> None:
    """UUID keys are normally filled at flush; the outbox needs them now."""
    key = inspect(type(obj)).primary_key[0]
    if getattr(obj, key.name) is None and key.default is not None and key.default.is_callable:
        setattr(obj, key.name, new_id())


def _clock(session: Session) -> HybridClock:
    clock = session.info.get("clock")
    return clock if isinstance(clock, HybridClock) else _fallback_clock


def _changed_columns(obj: Synced) -> list[str]:
    state = inspect(obj)
    return [name for name in synced_columns(type(obj)) if state.attrs[name].history.has_changes()]


def _may_leave(session: Session, obj: Synced) -> bool:
    return not isinstance(obj, SkinAnalysisResult) or analysis_may_sync(session, obj)


def _stamp(session: Session, obj: Synced, columns: list[str], *, op: str) -> None:
    stamp = _clock(session).now()
    clocks = dict(obj.field_clocks or {})
    clocks.update(dict.fromkeys(columns, stamp))
    obj.field_clocks = clocks
    obj.hlc = stamp
    if _may_leave(session, obj):
        session.add(
            SyncOutbox(
                entity=obj.__tablename__,
                entity_id=entity_id_of(obj),
                op=op,
                hlc=stamp,
                actor_id=_acting.get(),
            )
        )


def _tombstone(session: Session, obj: Synced, *, remote: bool) -> None:
    entity, entity_id = obj.__tablename__, entity_id_of(obj)
    exists = session.scalar(
        select(Tombstone.tombstone_id).where(
            Tombstone.entity == entity, Tombstone.entity_id == entity_id
        )
    )
    stamp = session.info.get("remote_hlc", "") if remote else _clock(session).now()
    if exists is None:
        session.add(Tombstone(entity=entity, entity_id=entity_id, deleted_at=utcnow(), hlc=stamp))
    if not remote:
        session.add(
            SyncOutbox(
                entity=entity, entity_id=entity_id, op="delete", hlc=stamp, actor_id=_acting.get()
            )
        )


@event.listens_for(Session, "before_flush")
def _record_changes(session: Session, flush_context: Any, instances: Any) -> None:
    remote = bool(session.info.get("sync_remote"))
    for obj in list(session.deleted):
        if isinstance(obj, SYNCED_MODELS):
            _tombstone(session, obj, remote=remote)
    if remote:
        return
    for obj in list(session.new):
        if isinstance(obj, SYNCED_MODELS):
            _assign_key(obj)
            _stamp(session, obj, list(synced_columns(type(obj))), op="upsert")
    for obj in list(session.dirty):
        if isinstance(obj, SYNCED_MODELS) and session.is_modified(obj, include_collections=False):
            columns = _changed_columns(obj)
            if columns:
                obj.updated_at = utcnow()
                _stamp(session, obj, [*columns, "updated_at"], op="upsert")
