"""The audit log: append-only events of who did what, when, on which device, hash-chained.

:func:`record` is the only way a device writes an event: it numbers it in this device's chain and
seals it with the hash of the previous one (see :mod:`core.audit.chain`). Call it inside the same
unit of work as the change it describes, so that both commit or neither does.
:func:`verify_database` checks every chain stored (``skinlab audit verify``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.audit.chain import CHAINED_FIELDS, GENESIS, ChainReport, compute_hash, verify_rows
from core.errors import StorageError
from core.storage.hlc import HybridClock
from core.storage.models import AuditEvent, SyncState
from core.storage.types import new_id, utcnow

if TYPE_CHECKING:
    from core.storage.database import Database

HEAD_KEY = "audit_head"
"""``sync_state`` key of this device's newest chained event: ``device:seq:hash``."""


def device_id(session: Session) -> str:
    """This device's id in the chain: the node id of its hybrid logical clock."""
    clock = session.info.get("clock")
    if isinstance(clock, HybridClock):
        return clock.node
    node = session.execute(text("SELECT value FROM sync_state WHERE key = 'node_id'")).scalar()
    if not node:
        raise StorageError("This database has no device id yet; open it through Database.write()")
    return str(node)


def recorded_head(session: Session) -> tuple[str, int, str] | None:
    """(device, sequence, hash) of the newest event this device recorded, kept beside the log."""
    value = session.scalar(select(SyncState.value).where(SyncState.key == HEAD_KEY))
    if not value:
        return None
    device, seq, digest = value.split(":")
    return device, int(seq), digest


def _head(session: Session, device: str) -> tuple[int, str, SyncState | None]:
    """(sequence, hash) of this device's newest event, and the ``sync_state`` row that keeps it."""
    tail = session.execute(
        select(AuditEvent.chain_seq, AuditEvent.row_hash)
        .where(AuditEvent.device_id == device, AuditEvent.chain_seq.is_not(None))
        .order_by(AuditEvent.chain_seq.desc())
        .limit(1)
    ).first()
    seq, digest = (int(tail[0] or 0), str(tail[1])) if tail else (0, GENESIS)
    kept = session.get(SyncState, HEAD_KEY)
    if kept is not None and kept.value:
        kept_device, kept_seq, kept_digest = kept.value.split(":")
        if kept_device == device and int(kept_seq) > seq:
            # Newer events were deleted: continue after them so that the gap stays visible.
            seq, digest = int(kept_seq), kept_digest
    return seq, digest, kept


class Event(NamedTuple):
    """One event to record (:func:`record_many`)."""

    action: str
    actor_id: uuid.UUID | str | None = None
    target_type: str | None = None
    target_id: uuid.UUID | str | None = None
    details: dict[str, Any] | None = None


def record(
    session: Session,
    action: str,
    *,
    actor_id: uuid.UUID | str | None = None,
    target_type: str | None = None,
    target_id: uuid.UUID | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to this device's chain (inside the caller's unit of work)."""
    (event,) = record_many(session, [Event(action, actor_id, target_type, target_id, details)])
    return event


def record_many(
    session: Session, events: Sequence[Event], *, flush: bool = True
) -> list[AuditEvent]:
    """Append ``events`` to this device's chain in this order, reading its head once and moving it
    once (a batch of imported photos: one read and one write instead of three reads and a write per
    event). ``flush=False`` leaves the rows pending, for a caller that flushes its own rows with
    them in one go; the head is read without flushing what else is pending."""
    if not events:
        return []
    device = device_id(session)
    with session.no_autoflush:
        seq, previous, kept = _head(session, device)
    rows = []
    for item in events:
        seq += 1
        event = AuditEvent(
            event_id=new_id(),
            occurred_at=utcnow(),
            action=item.action,
            actor_id=str(item.actor_id) if item.actor_id else None,
            target_type=item.target_type,
            target_id=str(item.target_id) if item.target_id else None,
            details=dict(item.details or {}),
            device_id=device,
            chain_seq=seq,
            prev_hash=previous,
        )
        event.row_hash = previous = compute_hash(
            {name: getattr(event, name) for name in CHAINED_FIELDS}
        )
        rows.append(event)
    session.add_all(rows)
    head = f"{device}:{seq}:{previous}"
    if kept is None:
        session.add(SyncState(key=HEAD_KEY, value=head))
    else:
        kept.value = head
    if flush:
        session.flush()
    return rows


def recent(
    session: Session, *, limit: int = 100, action: str | None = None
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return session.scalars(query).all()


def for_target(session: Session, target_id: uuid.UUID | str) -> Sequence[AuditEvent]:
    """Every event about one row (e.g. a patient), oldest first: for exports and the desktop."""
    query = select(AuditEvent).where(AuditEvent.target_id == str(target_id))
    return session.scalars(query.order_by(AuditEvent.occurred_at)).all()


def verify_database(db: Database) -> ChainReport:
    """Every device's chain in ``db``, and this device's chain against the head it recorded."""
    columns = [getattr(AuditEvent, name) for name in (*CHAINED_FIELDS, "row_hash")]
    with db.read() as session:
        rows = session.execute(select(*columns)).mappings().all()
        head = recorded_head(session)
    heads = {head[0]: (head[1], head[2])} if head else None
    return verify_rows(rows, heads=heads)
