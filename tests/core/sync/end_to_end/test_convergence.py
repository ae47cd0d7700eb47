"""Two devices that worked offline converge, in either sync order, with each other and with the
server: every synced row, clock, tombstone and image file."""

from __future__ import annotations

import time

import pytest

from tests.helpers.sync.checks import age_files, assert_converged, db_file
from tests.helpers.sync.compare import device_state
from tests.helpers.sync.world import (
    add_analysis,
    add_consent,
    add_note,
    add_patient,
    edit_user,
    erase_user,
    photo,
    sync_until_quiet,
)

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("first", ["a", "b"])
def test_offline_edits_erasure_and_photos_converge(enrolled, sync_server, first):
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    b.sign_in_online(sync_server.database_url)  # B's erasure needs an administrator's proof
    # A shared start: both devices know three patients, one analysis each for two, a note.
    p1 = add_patient(a, "erin@clinic.test", first="Erin")
    p2 = add_patient(a, "ann@clinic.test", first="Ann")
    p3 = add_patient(a, "cy@clinic.test", first="Cy")
    shared = photo(3)
    add_analysis(a, p1, seed=2)
    add_analysis(a, p2, seed=3, pictures=shared)
    add_note(a, p1, "dry cheeks")
    sync_until_quiet(a, b, rounds=1)

    # Offline on both sides.
    edit_user(a, p1, first_name="Erin-A")
    add_analysis(a, p1, seed=4)
    add_note(a, p1, "written while B erased her")
    add_consent(a, p1)
    erase_user(b, p1)
    edit_user(a, p2, first_name="Anna")  # different columns of one row: both edits survive
    edit_user(b, p2, last_name="Smith")
    edit_user(a, p3, skin_type="dry")  # the same column: the later write wins
    time.sleep(0.005)
    edit_user(b, p3, skin_type="oily")
    p4 = add_patient(b, "dee@clinic.test", first="Dee")
    add_analysis(b, p4, seed=5, pictures=shared)  # bytes both devices already hold
    add_analysis(b, None, seed=6)  # a guest capture
    add_note(b, p2, "from the desktop")
    p5 = add_patient(a, "eve@clinic.test", password="correct horse battery", first="Eve")
    add_consent(a, p5)

    order = (a, b) if first == "a" else (b, a)
    sync_until_quiet(*order, rounds=2)
    assert_converged(sync_server, a, b, strict_files=False)

    st = device_state(db_file(a))
    users = st.rows["users"]
    assert str(p1) not in users and ("users", str(p1)) in st.tombstones
    assert not [r for r in st.rows["skin_analysis_results"].values() if r["user_id"] == p1.hex]
    assert not [r for r in st.rows["clinician_notes"].values() if r["patient_id"] == p1.hex]
    assert not [r for r in st.rows["consent_records"].values() if r["user_id"] == p1.hex]
    assert (users[str(p2)]["first_name"], users[str(p2)]["last_name"]) == ("Anna", "Smith")
    assert users[str(p3)]["skin_type"] == "oily"
    assert len(st.rows["skin_analysis_results"]) == 3  # p2, p4 and the guest; none of p1
    assert {r["action"] for r in st.rows["audit_events"].values()} >= {"user_created"}

    # A patient registered on A signs in on B; the sign-in's own writes converge too.
    signed = b.ctx.auth.login("eve@clinic.test", "correct horse battery")
    assert signed.user_id == p5
    # Photos erased elsewhere go once they are old enough not to belong to a capture in progress.
    age_files(a)
    age_files(b)
    sync_until_quiet(*order, rounds=2)
    assert_converged(sync_server, a, b, strict_files=True)
    assert users[str(p4)]["email"] == "dee@clinic.test"


def test_the_same_photo_saved_offline_on_two_devices_converges(enrolled, sync_server):
    """Images are append-only and keyed by their bytes, so two devices can create the same row."""
    a, b = enrolled("kiosk-a"), enrolled("kiosk-b")
    same = photo(11)
    add_analysis(a, None, seed=11, pictures=same)
    time.sleep(0.005)
    add_analysis(b, None, seed=11, pictures=same)
    sync_until_quiet(a, b, rounds=2)
    assert_converged(sync_server, a, b, strict_files=True)


def test_an_offline_photo_of_an_erased_patient_is_erased_everywhere(enrolled, sync_server):
    """A photo taken on A while B erased the patient must not outlive the erasure anywhere."""
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    b.sign_in_online(sync_server.database_url)
    patient = add_patient(a, "gone@clinic.test")
    sync_until_quiet(a, b, rounds=1)
    add_analysis(a, patient, seed=21)
    digests = set(device_state(db_file(a)).rows["images"])
    erase_user(b, patient)
    sync_until_quiet(b, a, rounds=2)
    for device in (a, b):
        age_files(device)
    sync_until_quiet(b, a, rounds=2)
    assert_converged(sync_server, a, b, strict_files=True)
    for device in (a, b):
        assert not set(device_state(db_file(device)).rows["images"]) & digests, device.name
