"""Check one pushed change against the rule table (:mod:`server.rules`) before it is merged.

Only what the change would actually alter is judged: a field whose incoming clock loses the merge
changes nothing and is never refused. The acting user a change names is looked up in the server's
own records, never believed from the device.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, Protocol

from core.sync.protocol import Change
from server.models import Record
from server.rules import (
    ACTOR_NOT_ADMIN,
    ACTOR_NOT_TRUSTED,
    ADMIN_ONLY,
    NOT_ALLOWED,
    NOT_OWNER,
    RULES,
    Refusal,
    refusal,
)


class Rows(Protocol):
    """What the checks read: the batch's view of the clinic's records."""

    device_id: uuid.UUID
    role: str

    def row(self, key: tuple[str, str]) -> Record | None: ...


def _what(change: Change) -> str:
    return f"{change.op} of {change.entity} {change.entity_id}"


def admin_authority(rows: Rows, change: Change) -> Refusal | None:
    """None when the change carries admin authority: an admin device, or a workstation acting
    for a user the server knows as an active admin of the clinic."""
    if rows.role == "admin":
        return None
    if change.actor is None:
        return refusal(ADMIN_ONLY, _what(change))
    if rows.role != "workstation":
        return refusal(ACTOR_NOT_TRUSTED, _what(change))
    if not _active_user(rows, change.actor, role="admin"):
        return refusal(ACTOR_NOT_ADMIN, _what(change))
    return None


def _active_user(rows: Rows, user_id: str, *, role: str | None = None) -> bool:
    user = rows.row(("users", user_id))
    if user is None or user.deleted or user.fields.get("is_active") is False:
        return False
    return role is None or user.fields.get("role") == role


def _own(rows: Rows, record: Record | None) -> bool:
    return record is not None and record.created_device_id == rows.device_id


def check_delete(rows: Rows, change: Change, record: Record | None) -> Refusal | None:
    rule = RULES[change.entity]
    if rule.delete_needs_admin:
        return admin_authority(rows, change)
    if _own(rows, record):
        return None if rule.owner_may_delete else refusal(NOT_ALLOWED, _what(change))
    if rows.role in rule.delete_others:
        return None
    return refusal(NOT_OWNER, _what(change))


def check_create(rows: Rows, change: Change, fields: dict[str, Any]) -> Refusal | None:
    rule = RULES[change.entity]
    if rows.role not in rule.create:
        return refusal(NOT_ALLOWED, _what(change))
    for name, allowed in rule.create_values.items():
        if name in fields and fields[name] not in allowed:
            return admin_authority(rows, change)
    return None


def check_update(
    rows: Rows, change: Change, record: Record, changed: Collection[str]
) -> Refusal | None:
    rule = RULES[change.entity]
    own = _own(rows, record)
    if not (own and rule.owner_may_edit) and rows.role not in rule.edit_others:
        return refusal(NOT_OWNER if not own else NOT_ALLOWED, _what(change))
    guarded = set(changed) & rule.admin_fields
    if not guarded:
        return None
    acting_on_self = (
        change.actor == change.entity_id
        and rows.role != "kiosk"
        and _active_user(rows, change.actor)
    )
    if acting_on_self and guarded <= rule.self_fields:
        return None  # a signed-in user changing their own password
    return admin_authority(rows, change)
