"""Device roles from the attacker's side, through the real server on PostgreSQL: a kiosk (or a device
pretending to act for an admin) cannot change roles, others' passwords, delete users or touch rows
it did not create; every refusal is answered with a reason, applied nowhere, and audited in the
clinic's own log, whose chain verifies."""

from __future__ import annotations

import hashlib

import pytest

from core.audit.chain import verify_rows
from core.auth.passwords import hash_password
from tests.helpers.server import Device, change, consented, hlc, make_admin, new_id

pytestmark = pytest.mark.postgres

A_HASH = hash_password("a patient's password")  # the server takes only hashes of the policy


def _user(email: str, role: str = "patient", **more) -> dict:
    return {
        "email": email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "role": role,
        "is_active": True,
        "hashed_password": A_HASH,
        **more,
    }


@pytest.fixture
def kiosk(enroll, clinic) -> Device:
    return enroll(clinic, name="lobby kiosk", role="kiosk")


@pytest.fixture
def workstation(enroll, clinic) -> Device:
    return enroll(clinic, name="dermatologist", role="workstation")


def _one(device: Device, *changes: dict) -> dict:
    results = device.push_ok(*changes)
    return results[0]


def _refusals(device: Device) -> list[dict]:
    """The clinic's audit events about refused changes, as an admin device pulls them."""
    return [
        c
        for c in device.pull_all()
        if c["entity"] == "audit_events" and c["fields"].get("action") == "sync_change_refused"
    ]


def _staff(admin: Device, role: str = "clinician") -> str:
    uid = new_id()
    assert _one(admin, change("users", uid, _user(f"{uid[:8]}@staff.org", role)))["status"] == (
        "applied"
    )
    return uid


@pytest.mark.parametrize(
    ("field", "value"),
    [("role", "admin"), ("hashed_password", "$argon2id$attacker"), ("is_active", False)],
)
def test_a_kiosk_cannot_change_roles_passwords_or_deactivate_anyone(admin, kiosk, field, value):
    victim = _staff(admin)
    before = admin.state()[("users", victim)]["fields"]
    result = _one(kiosk, change("users", victim, {field: value}, at=hlc(1000)))
    assert result["status"] == "rejected"
    assert result["code"] == "not_owner" and result["message"]
    assert admin.state()[("users", victim)]["fields"] == before  # applied nowhere
    refused = _refusals(admin)
    assert [
        (
            r["fields"]["target_id"],
            r["fields"]["details"]["code"],
            r["fields"]["details"]["by_device"],
        )
        for r in refused
    ] == [(victim, "not_owner", kiosk.device_id)]


def test_a_kiosk_cannot_promote_even_a_patient_it_registered(admin, kiosk):
    patient = new_id()
    assert _one(kiosk, change("users", patient, _user("walk-in@a.org")))["status"] == "applied"
    for field, value in (
        ("role", "admin"),
        ("hashed_password", "$argon2id$x"),
        ("is_active", False),
    ):
        result = _one(kiosk, change("users", patient, {field: value}, at=hlc(1000)))
        assert (result["status"], result["code"]) == ("rejected", "admin_only"), field
    assert admin.state()[("users", patient)]["fields"]["role"] == "patient"


def test_a_kiosk_cannot_register_staff(admin, kiosk):
    result = _one(kiosk, change("users", new_id(), _user("fake-admin@a.org", "admin")))
    assert (result["status"], result["code"]) == ("rejected", "admin_only")
    assert not [c for c in admin.pull_all() if c["fields"].get("email") == "fake-admin@a.org"]


def test_a_push_claiming_admin_from_a_kiosk_is_refused(admin, kiosk):
    """Bad input: the kiosk names a real, active admin as the acting user."""
    boss = _staff(admin, "admin")
    victim = _staff(admin)
    forged = {**change("users", victim, {"role": "admin"}, at=hlc(1000)), "actor": boss}
    result = _one(kiosk, forged)
    assert (result["status"], result["code"]) == ("rejected", "not_owner")
    patient = new_id()
    _one(kiosk, change("users", patient, _user("own@a.org")))
    forged = {**change("users", patient, {"role": "admin"}, at=hlc(1000)), "actor": boss}
    result = _one(kiosk, forged)
    assert (result["status"], result["code"]) == ("rejected", "actor_not_trusted")
    assert admin.state()[("users", patient)]["fields"]["role"] == "patient"
    assert admin.state()[("users", victim)]["fields"]["role"] == "clinician"


def test_a_kiosk_cannot_delete_users(admin, kiosk):
    victim = _staff(admin, "patient")
    own = new_id()
    _one(kiosk, change("users", own, _user("mine@a.org")))
    for uid in (victim, own):
        result = _one(kiosk, change("users", uid, op="delete"))
        assert (result["status"], result["code"]) == ("rejected", "admin_only")
        assert admin.state()[("users", uid)]["deleted"] is False


def test_a_kiosk_cannot_change_a_row_it_did_not_create(admin, kiosk, workstation):
    patient = new_id()
    _one(workstation, change("users", patient, _user("pat@a.org")))
    consent, analysis = consented(patient)
    workstation.push_ok(consent, analysis)
    for attempt in (
        change("users", patient, {"first_name": "Mallory"}, at=hlc(1000)),
        change("skin_analysis_results", analysis["entity_id"], {"skin_score": 1.0}, at=hlc(1000)),
        change("skin_analysis_results", analysis["entity_id"], op="delete"),
    ):
        result = _one(kiosk, attempt)
        assert (result["status"], result["code"]) == ("rejected", "not_owner"), attempt
    state = admin.state()
    assert state[("users", patient)]["fields"]["first_name"] == "Ada"
    assert state[("skin_analysis_results", analysis["entity_id"])]["fields"]["skin_score"] == 50.0
    assert len(_refusals(admin)) == 3


def test_a_kiosk_creates_patients_and_analyses_and_edits_its_own(kiosk, admin):
    patient = new_id()
    consent, analysis = consented(patient)
    results = kiosk.push_ok(change("users", patient, _user("new@a.org")), consent, analysis)
    assert [r["status"] for r in results] == ["applied"] * 3
    again = change("users", patient, {"first_name": "Adele"}, at=hlc(1000))
    assert _one(kiosk, again)["status"] == "applied"
    note = change("clinician_notes", new_id(), {"patient_id": patient, "body": "x"})
    result = _one(kiosk, note)
    assert (result["status"], result["code"]) == ("rejected", "role_not_allowed")
    assert _refusals(admin)  # the refused note is in the clinic's log


def test_admin_authority_on_a_workstation_comes_from_the_servers_records(
    server, clinic, admin, workstation
):
    boss, clerk, victim = (
        make_admin(server.database_url, clinic),
        _staff(admin, "clinician"),
        _staff(admin),
    )
    plain = change("users", victim, {"role": "admin"}, at=hlc(1000))
    assert _one(workstation, plain)["code"] == "admin_proof_required"  # no one signed in
    as_clerk = {**change("users", victim, {"role": "admin"}, at=hlc(2000)), "actor": clerk}
    assert _one(workstation, as_clerk)["code"] == "actor_not_admin"
    as_unknown = {**change("users", victim, {"role": "admin"}, at=hlc(3000)), "actor": new_id()}
    assert _one(workstation, as_unknown)["code"] == "actor_not_admin"
    as_boss = {**change("users", victim, {"role": "admin"}, at=hlc(4000)), "actor": boss}
    assert _one(workstation, as_boss)["code"] == "admin_proof_required"  # a claim, no proof
    assert workstation.sign_in(boss).status_code == 200
    assert _one(workstation, as_boss)["status"] == "applied"
    # Deactivated, the same admin's authority is gone, though their proof has not expired.
    _one(admin, change("users", boss, {"is_active": False}, at=hlc(5000)))
    later = {**change("users", victim, {"role": "patient"}, at=hlc(6000)), "actor": boss}
    assert _one(workstation, later)["code"] == "actor_not_admin"


def test_a_user_changes_their_own_password_only_with_a_proof_of_their_own(admin, workstation):
    clerk, victim = _staff(admin, "clinician"), _staff(admin)
    admin_set = {"hashed_password": hash_password("clerk's password")}
    assert _one(admin, change("users", clerk, admin_set, at=hlc(500)))["status"] == "applied"
    new = {"hashed_password": hash_password("clerk's new password")}
    own = {**change("users", clerk, new, at=hlc(1000)), "actor": clerk}
    assert _one(workstation, own)["code"] == "admin_proof_required"
    assert workstation.sign_in(clerk, "clerk's password").status_code == 200
    assert _one(workstation, own)["status"] == "applied"
    other = {**change("users", victim, {"hashed_password": "$x"}, at=hlc(8000)), "actor": clerk}
    assert _one(workstation, other)["code"] == "actor_not_admin"


def test_an_admin_device_may_change_roles_and_delete_users(admin):
    victim = _staff(admin)
    assert _one(admin, change("users", victim, {"role": "admin"}, at=hlc(1000)))["status"] == (
        "applied"
    )
    assert _one(admin, change("users", victim, op="delete"))["status"] == "applied"


@pytest.mark.parametrize("problem", ["no_consent", "not_for_sync", "someone_else", "refused"])
def test_an_analysis_claiming_a_consent_it_does_not_have_is_refused(admin, problem):
    patient, other = new_id(), new_id()
    admin.push_ok(
        change("users", patient, _user(f"{patient[:8]}@a.org")),
        change("users", other, _user(f"{other[:8]}@a.org")),
    )
    consent, analysis = consented(patient, allow_sync=problem != "not_for_sync")
    if problem == "no_consent":
        analysis["fields"]["consent_id"] = None
    if problem == "someone_else":
        consent["fields"]["user_id"] = other
    if problem == "refused":
        consent["fields"]["granted"] = False
    results = admin.push_ok(consent, analysis)
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "no_sync_consent")
    assert ("skin_analysis_results", analysis["entity_id"]) not in admin.state()


def test_the_clinics_audit_chain_of_refusals_verifies(admin, kiosk):
    victim = _staff(admin)
    for i in range(3):
        _one(kiosk, change("users", victim, {"role": "admin"}, at=hlc(1000 + i)))
    assert len(_refusals(admin)) == 3
    events = [
        c["fields"] | {"event_id": c["entity_id"]}
        for c in admin.pull_all()
        if c["entity"] == "audit_events"
    ]  # the admin's proof of sign-in given, then the three refusals, all in the server's chain
    assert [e["chain_seq"] for e in events] == [1, 2, 3, 4]
    assert events[0]["action"] == "admin_grant_issued"
    report = verify_rows(events)
    assert report.ok and len(report.events) == 1


def test_a_kiosk_pulls_no_staff_hash_and_no_other_patients_photo(admin, kiosk, workstation):
    staff = _staff(admin, "clinician")
    patient, own_patient = new_id(), new_id()
    workstation.push_ok(change("users", patient, _user("p@a.org")))
    photo = b"another patient's face"
    digest = hashlib.sha256(photo).hexdigest()
    post = workstation.request(
        "POST", f"/v1/blobs/{digest}", headers={"Upload-Length": str(len(photo))}
    )
    assert post.status_code == 201
    workstation.request(
        "PATCH",
        f"/v1/blobs/{digest}",
        content=photo,
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    image = change("images", digest, {"media_type": "image/jpeg", "size_bytes": len(photo)})
    consent, analysis = consented(patient, image_sha256=digest, thumbnail_sha256=digest)
    workstation.push_ok(image, consent, analysis)
    workstation.push_ok(
        change("clinician_notes", new_id(), {"patient_id": patient, "body": "acne"})
    )
    kiosk.push_ok(change("users", own_patient, _user("walkin@a.org")))

    pulled = kiosk.pull_all()
    by_key = {(c["entity"], c["entity_id"]): c for c in pulled}
    users = {k[1]: c["fields"] for k, c in by_key.items() if k[0] == "users"}
    assert staff not in users  # no staff account at all, so no staff hash
    assert {f["role"] for f in users.values()} == {"patient"}
    assert users[patient]["hashed_password"]  # patients sign in at the kiosk
    assert ("images", digest) not in by_key
    row = by_key[("skin_analysis_results", analysis["entity_id"])]["fields"]
    assert "image_sha256" not in row and "thumbnail_sha256" not in row and "consent_id" not in row
    assert row["skin_score"] == 50.0  # previous results, for the comparison
    assert {k[0] for k in by_key} <= {"users", "skin_analysis_results"}
    assert kiosk.request("GET", f"/v1/blobs/{digest}").status_code == 404
    assert workstation.request("GET", f"/v1/blobs/{digest}").content == photo
    # The workstation gets the clinic's records, staff included.
    everything = workstation.state()
    assert ("users", staff) in everything and ("images", digest) in everything


def test_a_patient_promoted_to_staff_loses_the_hash_a_kiosk_holds(admin, kiosk):
    patient = new_id()
    kiosk.push_ok(change("users", patient, _user("soon-staff@a.org")))
    cursor = kiosk.pull(limit=1000).json()["next_cursor"]
    _one(admin, change("users", patient, {"role": "clinician"}, at=hlc(1000)))
    page = kiosk.pull(cursor).json()["changes"]
    row = next(c for c in page if c["entity_id"] == patient)
    assert row["fields"] == {"hashed_password": None, "role": "clinician"}
    assert row["clocks"]["hashed_password"] >= row["hlc"]


def test_a_kiosk_delete_of_a_row_the_server_never_had_changes_nothing(kiosk, admin):
    ghost = new_id()
    result = _one(kiosk, change("skin_analysis_results", ghost, op="delete"))
    assert result["status"] == "stale"
    assert ("skin_analysis_results", ghost) not in admin.state()
