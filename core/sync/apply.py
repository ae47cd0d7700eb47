"""Merge changes pulled from the server into the local database, in one transaction with the cursor.

Deletes win for ever (a tombstone blocks any later upsert); otherwise columns merge by their clocks
(docs/sync-protocol.md). Nothing merged here goes back into the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from core.storage.database import Database
from core.storage.models import SyncConflict, Synced, SyncOutbox, Tombstone, User
from core.sync import state
from core.sync.codec import APPLY_ORDER, ENTITY_MODELS, from_wire, primary_key, wire_fields
from core.sync.hlc import HybridClock
from core.sync.merge import merge_fields
from core.sync.protocol import PulledChange

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    applied: int = 0
    deleted: int = 0
    skipped: int = 0
    conflicts: list[str] = field(default_factory=list)


def _tombstoned(session: Session, entity: str, entity_id: str) -> bool:
    found = session.scalar(
        select(Tombstone.tombstone_id).where(
            Tombstone.entity == entity, Tombstone.entity_id == entity_id
        )
    )
    return found is not None


def _apply_delete(session: Session, change: PulledChange, report: ApplyReport) -> None:
    model = ENTITY_MODELS[change.entity]
    obj = session.get(model, primary_key(model, change.entity_id))
    session.info["remote_hlc"] = change.hlc
    if obj is not None:
        session.delete(obj)
        session.flush()  # the listener records the tombstone (and those of cascaded children)
    elif not _tombstoned(session, change.entity, change.entity_id):
        session.add(Tombstone(entity=change.entity, entity_id=change.entity_id, hlc=change.hlc))
    session.execute(
        delete(SyncOutbox).where(
            SyncOutbox.entity == change.entity, SyncOutbox.entity_id == change.entity_id
        )
    )
    report.deleted += 1


def _email_taken(session: Session, change: PulledChange) -> bool:
    email = change.fields.get("email")
    if change.entity != "users" or not email:
        return False
    owner = session.scalar(select(User.user_id).where(User.email == email))
    return owner is not None and str(owner) != change.entity_id


def _apply_upsert(session: Session, change: PulledChange, report: ApplyReport) -> None:
    model = ENTITY_MODELS[change.entity]
    if _tombstoned(session, change.entity, change.entity_id):
        report.skipped += 1  # deleted here: our delete is on its way to the server and wins there
        return
    if _email_taken(session, change):
        message = f"Another local account already uses {change.fields.get('email')}"
        session.add(
            SyncConflict(
                entity=change.entity,
                entity_id=change.entity_id,
                code="email_taken",
                message=message,
            )
        )
        report.conflicts.append(message)
        return
    obj: Synced | None = session.get(model, primary_key(model, change.entity_id))
    if obj is None:
        values = {name: from_wire(model, name, value) for name, value in change.fields.items()}
        key = model.__mapper__.primary_key[0].name
        values[key] = primary_key(model, change.entity_id)
        obj = model(**values, field_clocks=dict(change.clocks), hlc=change.hlc)
        session.add(obj)
        report.applied += 1
        return
    merged = merge_fields(
        wire_fields(obj), dict(obj.field_clocks or {}), change.fields, change.clocks
    )
    for name in merged.changed:
        setattr(obj, name, from_wire(model, name, merged.fields[name]))
    obj.field_clocks = merged.clocks
    obj.hlc = max(obj.hlc or "", change.hlc)
    report.applied += 1 if merged.changed else 0


def apply_pulled(
    db: Database, changes: Sequence[PulledChange], *, cursor: str, clock: HybridClock
) -> ApplyReport:
    """Apply a pull (all its pages) and move the cursor, in one transaction."""
    report = ApplyReport()
    for change in changes:
        clock.observe(change.hlc)  # refuses a change stamped far in the future
    ordered = sorted(changes, key=lambda c: (APPLY_ORDER.get(c.entity, 99), c.server_seq))
    with db.write(remote=True) as session:
        if db.is_sqlite:
            session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for change in ordered:
            if change.deleted or change.op == "delete":
                _apply_delete(session, change, report)
            else:
                _apply_upsert(session, change, report)
        session.flush()
        state.put(session, state.CURSOR, cursor)
    return report
