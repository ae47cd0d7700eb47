"""The one permission check: by role, by ownership, and never for an inactive account."""

from __future__ import annotations

import uuid

import pytest

from core.auth.permissions import Permission, is_allowed, require
from core.errors import PermissionDeniedError
from core.storage.models import ROLES, User


def _actor(role: str, *, active: bool = True) -> User:
    return User(
        user_id=uuid.uuid4(),
        email=f"{role}@example.org",
        first_name=role.title(),
        last_name="Test",
        role=role,
        is_active=active,
    )


def test_a_patient_reads_only_their_own_results() -> None:
    patient = _actor("patient")
    assert is_allowed(patient, Permission.READ_RESULTS, owner_id=patient.user_id)
    assert not is_allowed(patient, Permission.READ_RESULTS, owner_id=uuid.uuid4())
    assert not is_allowed(patient, Permission.READ_RESULTS)  # no owner named: not theirs
    with pytest.raises(PermissionDeniedError):
        require(patient, Permission.READ_RESULTS, owner_id=uuid.uuid4())
    require(patient, Permission.READ_RESULTS, owner_id=patient.user_id)


@pytest.mark.parametrize(
    "permission", [Permission.WRITE_RESULTS, Permission.EXPORT_REPORTS, Permission.READ_RESULTS]
)
def test_a_patient_never_acts_on_another_patients_records(permission: Permission) -> None:
    patient, other = _actor("patient"), _actor("patient")
    assert not is_allowed(patient, permission, owner_id=other.user_id)


@pytest.mark.parametrize(
    "permission",
    [
        Permission.LIST_PATIENTS,
        Permission.MANAGE_USERS,
        Permission.READ_AUDIT,
        Permission.WRITE_NOTES,
    ],
)
def test_a_patient_has_no_staff_permissions(permission: Permission) -> None:
    patient = _actor("patient")
    assert not is_allowed(patient, permission, owner_id=patient.user_id)


def test_a_kiosk_cannot_list_patients_or_read_results() -> None:
    kiosk = _actor("kiosk")
    with pytest.raises(PermissionDeniedError) as caught:
        require(kiosk, Permission.LIST_PATIENTS)
    assert "kiosk" in caught.value.message
    assert not is_allowed(kiosk, Permission.READ_RESULTS, owner_id=uuid.uuid4())
    assert is_allowed(kiosk, Permission.RUN_ANALYSIS)
    assert is_allowed(kiosk, Permission.REGISTER_PATIENT)


def test_a_clinician_lists_patients_and_reads_anyones_results() -> None:
    clinician = _actor("clinician")
    require(clinician, Permission.LIST_PATIENTS)
    assert is_allowed(clinician, Permission.READ_RESULTS, owner_id=uuid.uuid4())
    assert is_allowed(clinician, Permission.WRITE_NOTES, owner_id=uuid.uuid4())
    assert not is_allowed(clinician, Permission.MANAGE_USERS)


@pytest.mark.parametrize("permission", list(Permission))
def test_an_admin_may_do_everything(permission: Permission) -> None:
    admin = _actor("admin")
    assert is_allowed(admin, permission)
    assert is_allowed(admin, permission, owner_id=uuid.uuid4())


@pytest.mark.parametrize("role", ROLES)
def test_an_inactive_account_may_do_nothing(role: str) -> None:
    actor = _actor(role, active=False)
    for permission in Permission:
        assert not is_allowed(actor, permission, owner_id=actor.user_id)
        with pytest.raises(PermissionDeniedError):
            require(actor, permission, owner_id=actor.user_id)


def test_an_unknown_role_may_do_nothing() -> None:
    stranger = _actor("patient")
    stranger.role = "visitor"
    assert not any(is_allowed(stranger, p, owner_id=stranger.user_id) for p in Permission)
