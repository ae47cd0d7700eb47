"""Two clinicians edit the same patient on two desktops that sync through a real server: the later
save never silently erases the earlier one's change. Each form sends only the fields its person
changed (so sync's per-field merge keeps both), and a field changed underneath the open form,
by a pull from the other desktop, is refused as a conflict instead of overwritten."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.desktop.services import DesktopServices
from core.storage.repositories import users
from core.storage.repositories.patients_terms import EditConflictError
from tests.helpers.desktop import PASSWORD
from tests.helpers.server import ServerHandle
from tests.helpers.sync.world import DeviceDir, enroll_code, open_device
from ui.desktop.ports import SessionInfo

pytestmark = pytest.mark.postgres


@pytest.fixture
def desks(server: ServerHandle, tmp_path: Path) -> Iterator[tuple[DeviceDir, DeviceDir]]:
    clinic = f"Clinic {uuid.uuid4().hex[:8]}"
    made = []
    for name in ("desk-a", "desk-b"):
        device = open_device(tmp_path, name)
        device.enroll(server.url, enroll_code(server.database_url, clinic))
        made.append(device)
    yield made[0], made[1]
    for device in made:
        device.close()


def _clinician(device: DeviceDir, email: str) -> SessionInfo:
    """A clinician signed in on ``device`` (accounts travel by sync: created once)."""
    with device.db.read() as session:
        known = users.get_by_email(session, email) is not None
    if not known:
        device.ctx.auth.register(
            email=email, first_name="Doc", last_name=email[:4], role="clinician", password=PASSWORD
        )
    return DesktopServices(device.ctx).login(email, PASSWORD)


def test_edits_of_different_fields_both_survive_the_sync(desks) -> None:
    a, b = desks
    grace = _clinician(a, "grace@clinic.org")
    a_services, b_services = DesktopServices(a.ctx), DesktopServices(b.ctx)
    created = a_services.create_patient(
        grace,
        {
            "first_name": "Zoé",
            "last_name": "Martin",
            "email": "zoe@example.org",
            "birth_year": 1980,
        },
    )
    a.sync()
    b.sync()
    mary = _clinician(b, "mary@clinic.org")
    grace_form = a_services.patient_form(grace, created.patient_id)  # Grace opens the form
    mary_form = b_services.patient_form(mary, created.patient_id)  # so does Mary, on desk B
    b_services.update_patient(mary, created.patient_id, {"fitzpatrick_type": 4}, mary_form.clocks)
    b.sync()  # Mary's change reaches the server first
    a_services.update_patient(grace, created.patient_id, {"pregnancy": True}, grace_form.clocks)
    a.sync()
    b.sync()
    a.sync()
    for device, session in ((a, grace), (b, mary)):
        values = DesktopServices(device.ctx).patient_form(session, created.patient_id).values
        assert values["fitzpatrick_type"] == 4 and values["pregnancy"] is True, device.name
        assert values["birth_year"] == 1980


def test_a_field_changed_underneath_by_a_pull_is_a_conflict(desks) -> None:
    a, b = desks
    grace = _clinician(a, "grace@clinic.org")
    a_services, b_services = DesktopServices(a.ctx), DesktopServices(b.ctx)
    created = a_services.create_patient(
        grace, {"first_name": "Zoé", "last_name": "Martin", "email": "zoe@example.org"}
    )
    a.sync()
    b.sync()
    mary = _clinician(b, "mary@clinic.org")
    grace_form = a_services.patient_form(grace, created.patient_id)
    mary_form = b_services.patient_form(mary, created.patient_id)
    b_services.update_patient(mary, created.patient_id, {"birth_year": 1981}, mary_form.clocks)
    b.sync()
    a.sync()  # Mary's birth year arrives on desk A while Grace's form is open
    with pytest.raises(EditConflictError) as refused:
        a_services.update_patient(
            grace, created.patient_id, {"birth_year": 1979}, grace_form.clocks
        )
    assert [(c.field, c.yours, c.theirs) for c in refused.value.conflicts] == [
        ("birth_year", 1979, 1981)
    ]
    (conflict,) = refused.value.conflicts
    assert conflict.changed_at is not None  # when Mary saved, from her change's clock
    # Grace saw the conflict and keeps hers deliberately, from the fresh form: that wins everywhere.
    fresh = a_services.patient_form(grace, created.patient_id)
    a_services.update_patient(grace, created.patient_id, {"birth_year": 1979}, fresh.clocks)
    a.sync()
    b.sync()
    assert b_services.patient_form(mary, created.patient_id).values["birth_year"] == 1979
