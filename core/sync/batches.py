"""Turn outbox rows into push batches, each stored with its idempotency key before it is sent.

A batch is captured in one transaction (outbox rows out, batch in), so after a crash the device
resends exactly the same request with the same key, and the server answers it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.storage.changes import entity_id_of
from core.storage.database import Database
from core.storage.models import SyncBatch, SyncOutbox, Tombstone
from core.sync.codec import ENTITY_MODELS, ZERO_CLOCK, delete_change, primary_key, row_change
from core.sync.protocol import MAX_CHANGES_PER_PUSH

DEFAULT_BATCH = 200


def pending_batches(db: Database) -> Sequence[SyncBatch]:
    with db.read() as session:
        return session.scalars(
            select(SyncBatch).order_by(SyncBatch.created_at, SyncBatch.batch_key)
        ).all()


def pending_count(db: Database) -> int:
    """Changes waiting to go: distinct rows in the outbox plus changes in captured batches."""
    with db.read() as session:
        outbox = session.scalar(
            select(func.count()).select_from(
                select(SyncOutbox.entity, SyncOutbox.entity_id).distinct().subquery()
            )
        )
        batched = sum(len(b.payload.get("changes", [])) for b in session.scalars(select(SyncBatch)))
    return int(outbox or 0) + batched


def _change_for(session: Session, entity: str, entity_id: str, op: str, hlc: str) -> dict[str, Any]:
    model = ENTITY_MODELS[entity]
    if op != "delete":
        obj = session.get(model, primary_key(model, entity_id))
        if obj is not None:
            return row_change(obj)
    stone = session.scalar(
        select(Tombstone).where(Tombstone.entity == entity, Tombstone.entity_id == entity_id)
    )
    return delete_change(entity, entity_id, stone.hlc if stone is not None and stone.hlc else hlc)


def capture_batch(db: Database, *, limit: int = DEFAULT_BATCH) -> SyncBatch | None:
    """Move up to ``limit`` changed rows from the outbox into a new batch; None when nothing waits."""
    limit = max(1, min(limit, MAX_CHANGES_PER_PUSH))
    with db.write() as session:
        rows = session.scalars(select(SyncOutbox).order_by(SyncOutbox.seq).limit(limit * 20)).all()
        if not rows:
            return None
        chosen: dict[tuple[str, str], SyncOutbox] = {}
        for row in rows:
            key = (row.entity, row.entity_id)
            if key not in chosen and len(chosen) >= limit:
                continue
            chosen[key] = row  # the latest outbox row for a row decides upsert or delete
        changes = [_change_for(session, e, i, r.op, r.hlc) for (e, i), r in chosen.items()]
        taken = [row.seq for row in rows if (row.entity, row.entity_id) in chosen]
        session.execute(delete(SyncOutbox).where(SyncOutbox.seq.in_(taken)))
        batch = SyncBatch(batch_key=str(uuid.uuid4()), payload={"changes": changes})
        session.add(batch)
    return batch


def split_batch(db: Database, batch: SyncBatch) -> list[SyncBatch]:
    """Replace a refused batch by its two halves (new keys, same place in the queue), so that the
    one bad change can be found and set aside while the good ones go through."""
    changes = batch.payload["changes"]
    middle = len(changes) // 2
    halves = [
        SyncBatch(
            batch_key=str(uuid.uuid4()), payload={"changes": part}, created_at=batch.created_at
        )
        for part in (changes[:middle], changes[middle:])
    ]
    with db.write() as session:
        session.execute(delete(SyncBatch).where(SyncBatch.batch_key == batch.batch_key))
        session.add_all(halves)
    return halves


def finish_batch(db: Database, batch_key: str) -> None:
    with db.write() as session:
        session.execute(delete(SyncBatch).where(SyncBatch.batch_key == batch_key))


def queue_again(db: Database, entity: str, entity_ids: Sequence[str]) -> None:
    """Put rows back in the outbox (e.g. photos the server had no room for) for a later pass."""
    with db.write() as session:
        for entity_id in entity_ids:
            session.add(SyncOutbox(entity=entity, entity_id=entity_id, op="upsert", hlc=ZERO_CLOCK))


def requeue_everything(db: Database) -> int:
    """Queue every synced row (and every tombstone) again, e.g. after enrolling with a new server."""
    queued = 0
    with db.write() as session:
        for entity, model in ENTITY_MODELS.items():
            for obj in session.scalars(select(model)):
                session.add(
                    SyncOutbox(
                        entity=entity,
                        entity_id=entity_id_of(obj),
                        op="upsert",
                        hlc=obj.hlc or ZERO_CLOCK,
                    )
                )
                queued += 1
        for stone in session.scalars(select(Tombstone)):
            session.add(
                SyncOutbox(
                    entity=stone.entity,
                    entity_id=stone.entity_id,
                    op="delete",
                    hlc=stone.hlc or ZERO_CLOCK,
                )
            )
            queued += 1
    return queued
