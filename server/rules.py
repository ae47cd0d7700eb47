"""Who may change what: the rule table every pushed change is checked against (docs/sync.md).

A device has a role chosen when its enrollment code was made: ``kiosk`` (a walk-up station),
``workstation`` (staff's desktop) or ``admin``. *Admin authority* is a workstation or admin device
whose change names, as its acting user, an active admin in the server's own records, and whose push
carries that admin's proof of an online sign-in on this device (server/grants.py).
A kiosk's acting-user claims are never trusted: a kiosk can be used by anyone who walks up to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.sync.protocol import ADMIN_PROOF_REQUIRED, DEVICE_ROLES

ALL: frozenset[str] = frozenset(DEVICE_ROLES)
STAFF: frozenset[str] = frozenset({"workstation", "admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EntityRule:
    """What each device role may do to one entity's rows.

    A device may always change and delete the rows it created itself (unless ``owner_may_edit``
    or ``owner_may_delete`` says otherwise); rows created elsewhere need its role in
    ``edit_others`` / ``delete_others``. ``admin_fields`` need admin authority to change after
    creation, and so do ``staff_fields`` on a staff account's row (a ``role`` other than
    ``patient``), except ``self_fields`` on the acting user's own row; when a row is created
    they may take only the values in ``create_values`` without admin authority.
    """

    create: frozenset[str]
    edit_others: frozenset[str]
    delete_others: frozenset[str]
    owner_may_edit: bool = True
    owner_may_delete: bool = True
    delete_needs_admin: bool = False
    admin_fields: frozenset[str] = frozenset()
    staff_fields: frozenset[str] = frozenset()
    self_fields: frozenset[str] = frozenset()
    create_values: Mapping[str, frozenset[object]] = field(default_factory=dict)


RULES: Mapping[str, EntityRule] = {
    # Patients register at the kiosk; roles, others' passwords, deactivation and deletion
    # (erasure) are an administrator's, and so is a staff account's email (the name it signs in
    # with, online proofs of sign-in included); its owner may change it with their own proof.
    "users": EntityRule(
        create=ALL,
        edit_others=STAFF,
        delete_others=NOBODY,
        owner_may_delete=False,
        delete_needs_admin=True,
        admin_fields=frozenset({"role", "hashed_password", "is_active"}),
        staff_fields=frozenset({"email"}),
        self_fields=frozenset({"hashed_password", "email"}),
        create_values={"role": frozenset({"patient"}), "is_active": frozenset({True})},
    ),
    "skin_analysis_results": EntityRule(create=ALL, edit_others=STAFF, delete_others=STAFF),
    "images": EntityRule(create=ALL, edit_others=STAFF, delete_others=STAFF),
    "consent_records": EntityRule(
        create=ALL, edit_others=STAFF, delete_others=frozenset({"admin"})
    ),
    "clinician_notes": EntityRule(create=STAFF, edit_others=STAFF, delete_others=STAFF),
    # The log is append-only for everyone (deletes are refused as "immutable" before this).
    "audit_events": EntityRule(
        create=ALL,
        edit_others=NOBODY,
        delete_others=NOBODY,
        owner_may_edit=False,
        owner_may_delete=False,
    ),
}

# Why a change was refused: the reason codes a device shows (``skinlab sync --status``).
NOT_ALLOWED = "role_not_allowed"
"""The device's role may not create or delete rows of this entity."""
NOT_OWNER = "not_owner"
"""The row was created by another device, and this device's role may change only its own."""
ADMIN_ONLY = "admin_only"
"""Roles, others' passwords, deactivation and deleting users need admin authority."""
ACTOR_NOT_TRUSTED = "actor_not_trusted"
"""A kiosk named an acting user: a kiosk's claims are never trusted."""
ACTOR_NOT_ADMIN = "actor_not_admin"
"""The acting user named is not an active administrator in the server's records."""
NO_SYNC_CONSENT = "no_sync_consent"
"""An analysis whose consent does not allow it to leave the device."""
HASH_NOT_ALLOWED = "password_hash_not_allowed"
"""A password hash not made under the project's policy (core/auth/passwords.py)."""

AUDIT_ALTERED = "audit_event_altered"
"""An audit event whose hash does not match its content."""
AUDIT_BROKEN = "audit_chain_broken"
"""An audit event that does not follow (or precede) its neighbours in its device's chain."""
AUDIT_FORKED = "audit_chain_forked"
"""Another event already holds its place in the chain, or it claims the server's own chain."""

REASONS: Mapping[str, str] = {
    NOT_ALLOWED: "this device's role may not do this",
    NOT_OWNER: "the row was created by another device; this device may change only its own rows",
    ADMIN_ONLY: "only an administrator may change roles, others' passwords or staff emails, "
    "or delete users",
    ACTOR_NOT_TRUSTED: "a kiosk cannot act for a signed-in administrator",
    ACTOR_NOT_ADMIN: "the acting user is not an active administrator of this clinic",
    NO_SYNC_CONSENT: "the patient's consent does not allow this analysis to leave the device",
    HASH_NOT_ALLOWED: "the password hash was not made with SkinLab's hashing settings; "
    "set the password again with this version",
    ADMIN_PROOF_REQUIRED: "it waits for the acting user to sign in online on this device",
    AUDIT_ALTERED: "the event was changed after it was written (its hash does not match)",
    AUDIT_BROKEN: "the event does not follow its device's audit chain",
    AUDIT_FORKED: "another event already holds this place in the device's audit chain",
}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def refusal(code: str, what: str, why: str = "") -> Refusal:
    return Refusal(code, f"{what}: {REASONS[code]}" + (f" ({why})" if why else ""))
