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
from core.storage.models import (
    ImageBlob,
    SkinAnalysisResult,
    SyncBatch,
    SyncOutbox,
    Tombstone,
)
from core.storage.sync_consent import analysis_may_sync, photos_that_may_sync
from core.sync.codec import (
    APPLY_ORDER,
    ENTITY_MODELS,
    ZERO_CLOCK,
    delete_change,
    primary_key,
    row_change,
)
from core.sync.grants import HELD
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


Key = tuple[str, str]


def _leaving(session: Session, key: Key, change: dict[str, Any]) -> list[dict[str, Any]]:
    """What of ``change`` may leave the device: nothing for an analysis or photo without consent
    to sync; an analysis that may leave goes with its photos' rows (a photo first saved with a
    capture that stayed here was never sent, and the server cannot pull it to other devices)."""
    entity, entity_id = key
    if change["op"] != "upsert" or entity not in ("skin_analysis_results", "images"):
        return [change]
    if entity == "images":
        return [change] if photos_that_may_sync(session, [entity_id]) else []
    analysis = session.get(SkinAnalysisResult, primary_key(SkinAnalysisResult, entity_id))
    if analysis is None or not analysis_may_sync(session, analysis):
        return []
    photos = [
        row_change(image)
        for digest in dict.fromkeys((analysis.image_sha256, analysis.thumbnail_sha256))
        if digest and (image := session.get(ImageBlob, digest)) is not None
    ]
    return [*photos, change]


def capture_batch(db: Database, *, limit: int = DEFAULT_BATCH) -> SyncBatch | None:
    """Move up to ``limit`` changed rows from the outbox into a new batch; None when nothing waits.

    Rows that may not leave the device (consent) leave the outbox and go nowhere. A change names
    the person who made it (``actor``) only: one made with no one signed in names no one, and no
    proof held later vouches for it.
    """
    limit = max(1, min(limit, MAX_CHANGES_PER_PUSH))
    with db.write() as session:
        while True:
            rows = session.scalars(
                select(SyncOutbox).order_by(SyncOutbox.seq).limit(limit * 20)
            ).all()
            if not rows:
                return None
            changes = _pick(session, rows, limit=limit)
            if changes:
                batch = SyncBatch(batch_key=str(uuid.uuid4()), payload={"changes": changes})
                session.add(batch)
                return batch


def _pick(session: Session, rows: Sequence[SyncOutbox], *, limit: int) -> list[dict[str, Any]]:
    """The changes of up to ``limit`` rows, their outbox rows removed (also of rows that stay)."""
    picked: dict[Key, SyncOutbox] = {}
    for row in rows:
        key = (row.entity, row.entity_id)
        if key not in picked and len(picked) >= limit:
            continue
        picked[key] = row  # the latest outbox row for a row decides upsert or delete
    changes: dict[Key, dict[str, Any]] = {}
    taken_keys: set[Key] = set()
    for key, row in picked.items():
        change = _change_for(session, key[0], key[1], row.op, row.hlc)
        if row.actor_id:
            change["actor"] = row.actor_id
        leaving = [c for c in _leaving(session, key, change) if _key(c) not in changes]
        if changes and len(changes) + len(leaving) > limit:
            break  # the rest waits for the next batch
        changes.update((_key(c), c) for c in leaving)
        taken_keys.add(key)
    taken = [row.seq for row in rows if (row.entity, row.entity_id) in taken_keys]
    session.execute(delete(SyncOutbox).where(SyncOutbox.seq.in_(taken)))
    return list(changes.values())


def _key(change: dict[str, Any]) -> Key:
    return (change["entity"], change["entity_id"])


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


def finish_batch(
    db: Database, batch_key: str, *, held: Sequence[dict[str, Any]] = (), proof: str = ""
) -> None:
    """The batch is answered; ``held`` changes (refused for want of a proof of sign-in, the
    proof sent being ``proof``) wait in a batch of their own, in the same transaction."""
    with db.write() as session:
        session.execute(delete(SyncBatch).where(SyncBatch.batch_key == batch_key))
        if held:
            payload = {"changes": list(held), HELD: proof}
            session.add(SyncBatch(batch_key=str(uuid.uuid4()), payload=payload))


def release_held(db: Database, batch: SyncBatch) -> SyncBatch:
    """A held batch made sendable again as it is (a new proof is here). Its key was never sent,
    so the body goes under it."""
    changes = list(batch.payload["changes"])
    with db.write() as session:
        row = session.get_one(SyncBatch, batch.batch_key)
        row.payload = {"changes": changes}
    return SyncBatch(batch_key=batch.batch_key, payload={"changes": changes})


def held_count(db: Database) -> int:
    """Changes waiting for a person's online sign-in."""
    with db.read() as session:
        batches = session.scalars(select(SyncBatch)).all()
        return sum(len(b.payload.get("changes", [])) for b in batches if HELD in b.payload)


def queue_again(db: Database, entity: str, entity_ids: Sequence[str]) -> None:
    """Put rows back in the outbox (e.g. photos the server had no room for) for a later pass."""
    with db.write() as session:
        for entity_id in entity_ids:
            session.add(SyncOutbox(entity=entity, entity_id=entity_id, op="upsert", hlc=ZERO_CLOCK))


def requeue_everything(db: Database) -> int:
    """Queue every synced row (and every tombstone) again, e.g. after enrolling with a new server."""
    queued = 0
    parents_first = sorted(ENTITY_MODELS.items(), key=lambda item: APPLY_ORDER.get(item[0], 99))
    with db.write() as session:
        for entity, model in parents_first:
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
