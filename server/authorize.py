"""Check one pushed change against the rule table (:mod:`server.rules`) before it is merged.

Only what the change would actually alter is judged: a field whose incoming clock loses the merge
changes nothing and is never refused; one whose clock moves forward is judged even if its value
stays the same, since that clock then decides later merges. The acting user a change names is
looked up in the server's own records, never believed from the device, and must be proven by a
grant the server issued after checking that user's password (:mod:`server.grants`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from core.sync.protocol import ADMIN_PROOF_REQUIRED, Change
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


@dataclass(frozen=True)
class Proof:
    """What a push's grant (:mod:`server.grants`) proves: the user it names, or why nothing."""

    user_id: str | None
    problem: str
    password: str = ""
    """The tag of the password hash the grant was issued under (server.grants.password_tag)."""


NO_PROOF = Proof(None, "the push carried no proof of an online sign-in")


class Rows(Protocol):
    """What the checks read: the batch's view of the clinic's records and the push's proof."""

    device_id: uuid.UUID
    role: str
    proof: Proof

    def row(self, key: tuple[str, str]) -> Record | None: ...


def what(change: Change) -> str:
    """The change, in words, for its refusal."""
    return f"{change.op} of {change.entity} {change.entity_id}"


def admin_authority(rows: Rows, change: Change) -> Refusal | None:
    """None when the change carries admin authority: a workstation or admin device acting for
    a user the server knows as an active admin of the clinic, proven by a grant of that user."""
    if rows.role not in ("workstation", "admin"):
        code = ADMIN_ONLY if change.actor is None else ACTOR_NOT_TRUSTED
        return refusal(code, what(change))
    if change.actor is None:  # made with no one signed in (the command line): a person vouches
        return refusal(ADMIN_PROOF_REQUIRED, what(change), "the change names no signed-in user")
    if not _active_user(rows, change.actor, role="admin"):
        return refusal(ACTOR_NOT_ADMIN, what(change))
    return proof_problem(rows, change)


def proof_problem(rows: Rows, change: Change) -> Refusal | None:
    """None when the push proves that the change's acting user signed in online on this device."""
    if change.actor is not None and rows.proof.user_id == change.actor:
        return None
    why = rows.proof.problem or "the proof of sign-in is another user's"
    return refusal(ADMIN_PROOF_REQUIRED, what(change), why)


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
        return None if rule.owner_may_delete else refusal(NOT_ALLOWED, what(change))
    if rows.role in rule.delete_others:
        return None
    return refusal(NOT_OWNER, what(change))


def check_create(rows: Rows, change: Change, fields: dict[str, Any]) -> Refusal | None:
    rule = RULES[change.entity]
    if rows.role not in rule.create:
        return refusal(NOT_ALLOWED, what(change))
    for name, allowed in rule.create_values.items():
        if name in fields and fields[name] not in allowed:
            return admin_authority(rows, change)
    return None


def check_update(
    rows: Rows, change: Change, record: Record, advanced: Collection[str]
) -> Refusal | None:
    """``advanced``: the fields whose clock the change moves forward. A guarded field is judged
    even when its value stays: a newer clock on the same value outlives every older write, so a
    re-sent ``role: admin`` stamped ahead would beat the demotion that follows it."""
    rule = RULES[change.entity]
    own = _own(rows, record)
    if not (own and rule.owner_may_edit) and rows.role not in rule.edit_others:
        return refusal(NOT_OWNER if not own else NOT_ALLOWED, what(change))
    guarded = set(advanced) & rule.admin_fields
    if record.fields.get("role") != "patient":
        guarded |= set(advanced) & rule.staff_fields
    if not guarded:
        return None
    acting_on_self = (
        change.actor == change.entity_id
        and rows.role != "kiosk"
        and _active_user(rows, change.actor)
    )
    if acting_on_self and guarded <= rule.self_fields:
        return proof_problem(rows, change)  # a signed-in user changing their own password
    return admin_authority(rows, change)
