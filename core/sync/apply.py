"""Merge changes pulled from the server into the local database, in one transaction with the cursor.

Deletes win for ever (a tombstone blocks any later upsert); otherwise columns merge by their clocks
(docs/sync-protocol.md). Nothing merged here goes back into the outbox.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from core.storage.database import Database
from core.storage.hlc import HybridClock
from core.storage.images import delete_unused_images
from core.storage.models import EmailMessage, SyncConflict, Synced, SyncOutbox, Tombstone, User
from core.sync import state
from core.sync.codec import APPLY_ORDER, ENTITY_MODELS, from_wire, primary_key, wire_fields
from core.sync.merge import merge_fields
from core.sync.protocol import APPEND_ONLY, PulledChange
from core.sync.schema import field_problems

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    applied: int = 0
    deleted: int = 0
    skipped: int = 0
    conflicts: list[str] = field(default_factory=list)
    deleted_images: set[str] = field(default_factory=set)
    """Photos erased elsewhere: their files go once the transaction has committed."""
    erased_users: set[uuid.UUID] = field(default_factory=set)
    """Accounts this device held that were erased elsewhere: once committed, they join this
    device's erasure list (so a restored backup cannot bring them back)."""
    erased_photos: set[str] = field(default_factory=set)
    """The photos of those accounts' analyses: their cache entries are dropped."""


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
        if isinstance(obj, User):
            _drop_mail_to(session, obj, report)
            report.erased_users.add(obj.user_id)
            report.erased_photos.update(a.image_sha256 for a in obj.analyses if a.image_sha256)
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
    if change.entity == "images":
        report.deleted_images.add(change.entity_id)


def _drop_mail_to(session: Session, user: User, report: ApplyReport) -> None:
    """The mail queue is this device's own (never synced): an account erased elsewhere takes its
    queued and sent emails here with it, and their PDFs once nothing else uses them."""
    mails = session.scalars(
        select(EmailMessage).where(func.lower(EmailMessage.to_address) == user.email.lower())
    ).all()
    attachments = {m.attachment_sha256 for m in mails if m.attachment_sha256}
    for mail in mails:
        session.delete(mail)
    session.flush()
    report.deleted_images |= delete_unused_images(session, attachments)


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
    if change.entity in APPEND_ONLY:  # rule 4: the server's first stored version is the one
        obj.field_clocks, obj.hlc = {}, ""
    merged = merge_fields(
        wire_fields(obj), dict(obj.field_clocks or {}), change.fields, change.clocks
    )
    for name in merged.changed:
        setattr(obj, name, from_wire(model, name, merged.fields[name]))
    obj.field_clocks = merged.clocks
    obj.hlc = max(obj.hlc or "", change.hlc)
    report.applied += 1 if merged.changed else 0


PARKED = "parked"


def _apply_one(session: Session, change: PulledChange, report: ApplyReport) -> None:
    if change.deleted or change.op == "delete":
        _apply_delete(session, change, report)
    else:
        _apply_upsert(session, change, report)
    session.flush()


def _try(session: Session, change: PulledChange, report: ApplyReport) -> str | None:
    """Apply in a savepoint; return why it could not be applied (the rest of the pull goes on)."""
    try:
        with session.begin_nested():
            _apply_one(session, change, report)
    except (IntegrityError, StatementError, ValueError, TypeError, KeyError) as exc:
        return str(getattr(exc, "orig", exc)).splitlines()[0][:300]
    return None


def _park(session: Session, change: PulledChange, reason: str, report: ApplyReport) -> None:
    """Keep a change that cannot apply yet (e.g. its parent row has not arrived) to retry later."""
    session.add(
        SyncConflict(
            entity=change.entity,
            entity_id=change.entity_id,
            code=PARKED,
            message=change.model_dump_json(),
        )
    )
    report.conflicts.append(f"{change.entity} {change.entity_id} set aside: {reason}")
    log.warning("Pulled change set aside: %s %s: %s", change.entity, change.entity_id, reason)


def _retry_parked(session: Session, report: ApplyReport) -> None:
    for parked in session.scalars(select(SyncConflict).where(SyncConflict.code == PARKED)).all():
        change = PulledChange.model_validate_json(parked.message)
        if _try(session, change, report) is None:
            session.delete(parked)


def apply_pulled(
    db: Database, changes: Sequence[PulledChange], *, cursor: str, clock: HybridClock
) -> ApplyReport:
    """Apply a pull (all its pages) and move the cursor, in one transaction.

    Parents go first; a change that cannot be applied is set aside (never silently dropped) and
    retried on later pulls, so one bad row cannot stop every later change from arriving.
    """
    report = ApplyReport()
    for change in changes:
        clock.observe(change.hlc)  # refuses a change stamped far in the future
    ordered = sorted(changes, key=lambda c: (APPLY_ORDER.get(c.entity, 99), c.server_seq))
    with db.write(remote=True) as session:
        for change in ordered:
            problems = [] if change.op == "delete" else field_problems(change.entity, change.fields)
            if problems:
                message = f"{change.entity} {change.entity_id} refused: {'; '.join(problems)}"
                session.add(
                    SyncConflict(
                        entity=change.entity,
                        entity_id=change.entity_id,
                        code="invalid_change",
                        message=message,
                    )
                )
                report.conflicts.append(message)
                continue
            reason = _try(session, change, report)
            if reason is not None:
                _park(session, change, reason, report)
        _retry_parked(session, report)
        state.put(session, state.CURSOR, cursor)
    return report
