"""Who may list, read, create and edit patients through the desktop's services, and what the
audit log keeps of it (field names, never values)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.context import AppContext
from app.desktop.services import DesktopServices
from core.config import load_settings
from core.errors import NotFoundError, PermissionDeniedError
from core.storage.models import AuditEvent
from core.storage.repositories.patients_terms import PatientQuery
from tests.helpers.desktop import PASSWORD, add_accounts
from ui.desktop.ports import SessionInfo

ZOE = {"first_name": "Zoé", "last_name": "Martin", "email": "zoe@example.org", "birth_year": 1988}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[DesktopServices]:
    ctx = AppContext(load_settings(data_dir=tmp_path / "data"))
    services = DesktopServices(ctx)
    services.startup()
    add_accounts(ctx)
    yield services
    ctx.close()


def _token_of(services: DesktopServices, email: str) -> SessionInfo:
    """A session built from a valid token of any account, as a tampered client might send."""
    signed = services.ctx.auth.login(email, PASSWORD)
    return SessionInfo(
        email=signed.email,
        role="clinician",
        full_name=signed.full_name,
        user_id=str(signed.user_id),
        token=signed.token,
    )


def test_clinicians_and_admins_list_create_and_edit(services: DesktopServices) -> None:
    for email in ("grace@clinic.org", "ada@clinic.org"):
        session = services.login(email, PASSWORD)
        page = services.find_patients(session, PatientQuery(text="pat"), None, 50)
        assert [r.email for r in page.rows] == ["pat@example.org"]
    grace = services.login("grace@clinic.org", PASSWORD)
    saved = services.create_patient(grace, ZOE)
    form = services.patient_form(grace, saved.patient_id)
    services.update_patient(grace, saved.patient_id, {"pregnancy": True}, form.clocks)
    assert services.count_patients(grace, PatientQuery(), 100) == 2


def test_patient_and_kiosk_accounts_reach_no_patient_data(services: DesktopServices) -> None:
    grace = services.login("grace@clinic.org", PASSWORD)
    zoe = services.create_patient(grace, ZOE)
    form = services.patient_form(grace, zoe.patient_id)
    for email in ("pat@example.org", "kiosk1@clinic.org"):
        intruder = _token_of(services, email)
        calls = [
            lambda s=intruder: services.find_patients(s, PatientQuery(), None, 10),
            lambda s=intruder: services.count_patients(s, PatientQuery(), 10),
            lambda s=intruder: services.patient_form(s, zoe.patient_id),
            lambda s=intruder: services.create_patient(s, {**ZOE, "email": "x@example.org"}),
            lambda s=intruder: services.update_patient(
                s, zoe.patient_id, {"pregnancy": True}, form.clocks
            ),
        ]
        for call in calls:
            with pytest.raises(PermissionDeniedError):
                call()
    assert services.patient_form(grace, zoe.patient_id).values["pregnancy"] is False


def test_a_deactivated_clinician_is_stopped_mid_session(services: DesktopServices) -> None:
    grace = services.login("grace@clinic.org", PASSWORD)
    services.ctx.auth.deactivate("grace@clinic.org")
    with pytest.raises(Exception, match="deactivated"):
        services.find_patients(grace, PatientQuery(), None, 10)


def test_unknown_or_non_patient_ids_are_not_found(services: DesktopServices) -> None:
    grace = services.login("grace@clinic.org", PASSWORD)
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", grace.user_id):
        with pytest.raises(NotFoundError):
            services.patient_form(grace, bad)


def test_the_audit_names_fields_not_values(services: DesktopServices) -> None:
    grace = services.login("grace@clinic.org", PASSWORD)
    zoe = services.create_patient(grace, ZOE)
    form = services.patient_form(grace, zoe.patient_id)
    services.update_patient(grace, zoe.patient_id, {"pregnancy": True}, form.clocks)
    with services.ctx.database.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["patient_created", "patient_updated"]))
        ).all()
    assert [(e.action, e.actor_id, e.target_id) for e in events] == [
        ("patient_created", grace.user_id, zoe.patient_id),
        ("patient_updated", grace.user_id, zoe.patient_id),
    ]
    assert events[1].details == {"fields": ["pregnancy"]}
    assert "1988" not in str(events[0].details) and "Martin" not in str(events[0].details)
