"""Who asks for an erasure or an export, and whether they may."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from core.errors import NotFoundError, PermissionDeniedError


class UnknownPatientError(NotFoundError):
    code = "unknown_patient"


@dataclass(frozen=True)
class Actor:
    """The person (or the device's owner at the command line) asking."""

    role: str
    user_id: uuid.UUID | None = None


DEVICE_OWNER = Actor(role="admin")
"""The ``skinlab`` command: run by whoever holds the data directory and its key."""

ERASE, EXPORT = "erase", "export"
_ROLES = {ERASE: frozenset({"admin"}), EXPORT: frozenset({"admin", "clinician"})}


def require(actor: Actor, what: str, *, patient_id: uuid.UUID) -> None:
    """Admins erase and export; clinicians export; a patient does both for themselves only."""
    if actor.role in _ROLES[what]:
        return
    if actor.role == "patient" and actor.user_id == patient_id:
        return
    raise PermissionDeniedError(f"A {actor.role} account may not {what} this patient's data")
