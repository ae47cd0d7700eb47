"""The merge rule of docs/sync-protocol.md applied to the server's records, one change at a time.

The caller holds the clinic's push lock, so the checks here (tombstones, erased users, unique emails)
cannot race with another push of the same clinic. Every write takes a new ``server_seq``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from core.auth.passwords import hash_policy_problem
from core.storage.changes import LOCAL_ONLY
from core.sync.merge import merge_fields
from core.sync.protocol import (
    APPEND_ONLY,
    SUBJECT_COLUMNS,
    Change,
    ChangeResult,
    Status,
)
from core.sync.schema import SHA256_HEX
from server.audit import AuditTrail
from server.audit_chain import check_event
from server.authorize import NO_PROOF, Proof, check_create, check_delete, check_update, what
from server.errors import ApiError
from server.models import RECORD_SEQ, Record
from server.rules import HASH_NOT_ALLOWED, NO_SYNC_CONSENT, RULES, Refusal, refusal

Key = tuple[str, str]


def canonical_id(value: Any) -> str | None:
    """A user id as the protocol spells it (lower case, dashes), or None when it is not a UUID."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


PHOTO_COLUMNS = ("image_sha256", "thumbnail_sha256")
CONSENT_COLUMN = "consent_id"  # the consent an analysis was taken under


def email_key(fields: dict[str, Any]) -> str | None:
    email = fields.get("email")
    return email.strip().lower() or None if isinstance(email, str) else None


@dataclass
class Batch:
    """The records one push reads and writes, loaded once and kept current as changes apply."""

    session: Session
    clinic_id: uuid.UUID
    device_id: uuid.UUID
    role: str = "kiosk"
    trail: AuditTrail | None = None
    proof: Proof = NO_PROOF
    rows: dict[Key, Record | None] = field(default_factory=dict)
    erased_images: set[str] = field(default_factory=set)

    def load(self, changes: Iterable[Change]) -> None:
        """Fetch the batch's rows and those they name (users, consents, acting users); 403 if a
        row is another clinic's."""
        wanted: set[Key] = set()
        for change in changes:
            wanted.add((change.entity, change.entity_id))
            column = SUBJECT_COLUMNS.get(change.entity)
            subject = canonical_id(change.fields.get(column)) if column else None
            if subject:
                wanted.add(("users", subject))
            consent = canonical_id(change.fields.get(CONSENT_COLUMN))
            if change.entity == "skin_analysis_results" and consent:
                wanted.add(("consent_records", consent))
            if change.actor:
                wanted.add(("users", change.actor))
        pairs = sorted(wanted)
        self.rows.update(dict.fromkeys(pairs))
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            found = self.session.scalars(
                select(Record).where(tuple_(Record.entity, Record.entity_id).in_(chunk))
            )
            for record in found:
                if record.clinic_id == self.clinic_id:
                    self.rows[(record.entity, record.entity_id)] = record
                elif record.entity != "images":
                    raise ApiError(
                        403,
                        "wrong_clinic",
                        f"{record.entity} {record.entity_id} belongs to another clinic; "
                        "nothing in this batch was applied",
                    )

    def row(self, key: Key) -> Record | None:
        if key not in self.rows:
            self.rows[key] = self.session.scalar(
                select(Record).where(
                    Record.clinic_id == self.clinic_id,
                    Record.entity == key[0],
                    Record.entity_id == key[1],
                )
            )
        return self.rows[key]

    def user_erased(self, user_id: str | None) -> bool:
        user = self.row(("users", user_id)) if user_id else None
        return user is not None and user.deleted

    def email_taken(self, entity_id: str, email: str | None) -> bool:
        if email is None:
            return False
        owner = self.session.scalar(
            select(Record.entity_id).where(
                Record.clinic_id == self.clinic_id,
                Record.email_key == email,
                Record.entity_id != entity_id,
            )
        )
        return owner is not None

    def write(self, key: Key, record: Record | None, **values: Any) -> Record:
        if record is None:
            record = Record(
                clinic_id=self.clinic_id,
                entity=key[0],
                entity_id=key[1],
                created_device_id=self.device_id,
            )
            self.session.add(record)
            self.rows[key] = record
        else:
            record.server_seq = RECORD_SEQ.next_value()
        for name, value in values.items():
            setattr(record, name, value)
        record.last_device_id = self.device_id
        return record

    def tombstone(
        self, key: Key, record: Record | None, *, hlc: str, fields: dict[str, Any] | None = None
    ) -> Record:
        """Erase the row's content for good, keeping only what blocks its resurrection.

        An analysis takes its photos with it unless another live analysis of the clinic shows them:
        a photo taken offline of a patient erased elsewhere must not outlive the erasure.
        """
        if key[0] == "images":
            self.erased_images.add(key[1])  # the photo's bytes go too (see server.push)
        if key[0] == "skin_analysis_results":
            content = fields if fields is not None else (record.fields if record else {})
            self._drop_photos(content, exclude=key[1], hlc=hlc)
        return self.write(
            key,
            record,
            fields={},
            clocks={},
            hlc=max(hlc, record.hlc if record else ""),
            deleted=True,
            email_key=None,
        )

    def _drop_photos(self, fields: dict[str, Any], *, exclude: str, hlc: str) -> None:
        for column in PHOTO_COLUMNS:
            digest = fields.get(column)
            if not isinstance(digest, str) or not SHA256_HEX.match(digest):
                continue  # never a row no device could pull
            if self.photo_in_use(digest, exclude=exclude):
                continue
            key = ("images", digest)
            image = self.row(key)
            if image is None or not image.deleted:
                self.tombstone(key, image, hlc=hlc)

    def photo_in_use(self, digest: str, *, exclude: str) -> bool:
        """Does a live analysis of the clinic, other than ``exclude``, show this photo?"""
        for column in PHOTO_COLUMNS:
            found = self.session.scalar(
                select(Record.entity_id).where(
                    Record.clinic_id == self.clinic_id,
                    Record.entity == "skin_analysis_results",
                    Record.deleted.is_(False),
                    Record.entity_id != exclude,
                    Record.fields[column].astext == digest,
                )
            )
            if found is not None:
                return True
        return False

    def erase_dependants(self, user_id: str, *, hlc: str) -> None:
        """A deleted user takes the rows that name it (analyses, consents, notes) with it."""
        dependants = self.session.scalars(
            select(Record).where(
                Record.clinic_id == self.clinic_id,
                Record.subject_id == user_id,
                Record.deleted.is_(False),
                Record.entity.in_(list(SUBJECT_COLUMNS)),
            )
        )
        for record in list(dependants):
            self.tombstone((record.entity, record.entity_id), record, hlc=hlc)


def _result(
    change: Change, status: Status, code: str | None = None, message: str | None = None
) -> ChangeResult:
    return ChangeResult(
        entity=change.entity,
        entity_id=change.entity_id,
        status=status,
        code=code,
        message=message,
    )


def _refused(batch: Batch, change: Change, refused: Refusal) -> ChangeResult:
    """Nothing of the change is applied; the device is told why and the refusal is audited."""
    if batch.trail is not None:
        batch.trail.note(change, refused)
    return _result(change, "rejected", refused.code, refused.message)


def apply_change(batch: Batch, change: Change) -> ChangeResult:
    if change.op == "delete" and change.entity == "audit_events":
        return _result(change, "immutable")  # the log outlives the rows it mentions (rule 7)
    key = (change.entity, change.entity_id)
    record = batch.row(key)
    if record is not None and record.deleted:
        return _result(change, "deleted")
    if change.op == "delete":
        return _apply_delete(batch, change, record)
    local_only = LOCAL_ONLY.get(change.entity, frozenset())
    incoming = {k: v for k, v in change.fields.items() if k not in local_only}
    if record is not None and change.entity in APPEND_ONLY:
        same = all(k in record.fields and record.fields[k] == v for k, v in incoming.items())
        return _result(change, "stale" if same else "immutable")
    stored_fields = record.fields if record else {}
    stored_clocks = record.clocks if record else {}
    merged = merge_fields(stored_fields, stored_clocks, incoming, change.clocks)
    if record is not None and not merged.changed and merged.clocks == stored_clocks:
        return _result(change, "stale")
    column = SUBJECT_COLUMNS.get(change.entity)
    subject = canonical_id(merged.fields.get(column)) if column else None
    if batch.user_erased(subject):  # erasure wins before anything else: nothing is kept
        batch.tombstone(key, record, hlc=change.hlc, fields=merged.fields)
        return _result(change, "deleted")
    refused = (
        check_create(batch, change, merged.fields)
        if record is None
        else check_update(batch, change, record, merged.advanced)
    )
    if refused is None and change.entity == "users":
        refused = _hash_problem(change, merged.fields, merged.advanced)
    if refused is None and change.entity == "skin_analysis_results":
        refused = _consent_problem(batch, change, merged.fields, record, merged.changed)
    if refused is None and change.entity == "audit_events" and record is None:
        node = batch.trail.node if batch.trail else ""
        refused = check_event(
            batch.session, batch.clinic_id, change, merged.fields, server_node=node
        )
    if refused is not None:
        return _refused(batch, change, refused)
    if record is not None and merged.fields == stored_fields and merged.clocks == stored_clocks:
        return _result(change, "stale")
    email = email_key(merged.fields) if change.entity == "users" else None
    if batch.email_taken(change.entity_id, email):
        return _result(change, "rejected", "email_taken", "another account uses this email")
    batch.write(
        key,
        record,
        fields=merged.fields,
        clocks=merged.clocks,
        hlc=max(change.hlc, record.hlc if record else ""),
        deleted=False,
        subject_id=subject,
        email_key=email,
    )
    return _result(change, "applied")


def _apply_delete(batch: Batch, change: Change, record: Record | None) -> ChangeResult:
    rule = RULES[change.entity]
    if record is None and not rule.delete_needs_admin and batch.role not in rule.delete_others:
        # A row that never reached the server (e.g. a capture without consent to sync): there
        # is nothing to delete, and this device may not block the id for everyone.
        return _result(change, "stale")
    refused = check_delete(batch, change, record)
    if refused is not None:
        return _refused(batch, change, refused)
    key = (change.entity, change.entity_id)
    batch.tombstone(key, record, hlc=change.hlc)
    if change.entity == "users":
        batch.erase_dependants(change.entity_id, hlc=change.hlc)
    return _result(change, "applied")


def _hash_problem(
    change: Change, fields: dict[str, Any], advanced: frozenset[str]
) -> Refusal | None:
    """A password hash's own parameters set what checking it costs (server/grants.py, every
    device's sign-in): only hashes made under the project's policy are taken."""
    hashed = fields.get("hashed_password")
    if "hashed_password" not in advanced or hashed is None:
        return None
    problem = hash_policy_problem(hashed) if isinstance(hashed, str) else "it is not text"
    if problem is None:
        return None
    return refusal(HASH_NOT_ALLOWED, what(change), problem)


def _consent_problem(
    batch: Batch,
    change: Change,
    fields: dict[str, Any],
    record: Record | None,
    changed: frozenset[str],
) -> Refusal | None:
    """An analysis is merged only under a consent that lets it leave its device: one the
    server holds, granted, with "may be synced", for the same person (checked when the analysis
    arrives and whenever its consent or its person changes)."""
    if record is not None and not changed & {CONSENT_COLUMN, "user_id"}:
        return None
    consent_id = canonical_id(fields.get(CONSENT_COLUMN))
    consent = batch.row(("consent_records", consent_id)) if consent_id else None
    if consent is None or consent.deleted:
        return refusal(NO_SYNC_CONSENT, what(change))
    given = consent.fields
    same_person = canonical_id(given.get("user_id")) == canonical_id(fields.get("user_id"))
    if not (given.get("granted") is True and given.get("allow_sync") is True and same_person):
        return refusal(NO_SYNC_CONSENT, what(change))
    return None
