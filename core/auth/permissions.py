"""Roles and the one permission check every screen, command and endpoint goes through."""

from __future__ import annotations

import uuid
from enum import StrEnum

from core.errors import PermissionDeniedError
from core.storage.models import User


class Permission(StrEnum):
    RUN_ANALYSIS = "run_analysis"
    READ_RESULTS = "read_results"
    WRITE_RESULTS = "write_results"
    LIST_PATIENTS = "list_patients"
    REGISTER_PATIENT = "register_patient"
    WRITE_NOTES = "write_notes"
    EXPORT_REPORTS = "export_reports"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    MANAGE_SETTINGS = "manage_settings"


# Permissions a patient holds only over their own records.
OWN_ONLY = {Permission.READ_RESULTS, Permission.WRITE_RESULTS, Permission.EXPORT_REPORTS}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "patient": frozenset(
        {
            Permission.RUN_ANALYSIS,
            Permission.READ_RESULTS,
            Permission.WRITE_RESULTS,
            Permission.EXPORT_REPORTS,
        }
    ),
    "kiosk": frozenset(
        {Permission.RUN_ANALYSIS, Permission.WRITE_RESULTS, Permission.REGISTER_PATIENT}
    ),
    "clinician": frozenset(
        {
            Permission.RUN_ANALYSIS,
            Permission.READ_RESULTS,
            Permission.WRITE_RESULTS,
            Permission.LIST_PATIENTS,
            Permission.REGISTER_PATIENT,
            Permission.WRITE_NOTES,
            Permission.EXPORT_REPORTS,
        }
    ),
    "admin": frozenset(Permission),
}


def is_allowed(actor: User, permission: Permission, *, owner_id: uuid.UUID | None = None) -> bool:
    """True when ``actor`` may do ``permission`` (on records of ``owner_id``, when given)."""
    if not actor.is_active:
        return False
    granted = ROLE_PERMISSIONS.get(actor.role, frozenset())
    if permission not in granted:
        return False
    if actor.role == "patient" and permission in OWN_ONLY:
        return owner_id is not None and owner_id == actor.user_id
    return True


def require(actor: User, permission: Permission, *, owner_id: uuid.UUID | None = None) -> None:
    """Raise :class:`PermissionDeniedError` unless :func:`is_allowed`."""
    if not is_allowed(actor, permission, owner_id=owner_id):
        what = permission.value.replace("_", " ")
        raise PermissionDeniedError(f"A {actor.role} account may not {what} here")
