"""The attacks of the grants' review (2026-12-01), through the real server on PostgreSQL: each
one now fails, and the honest path beside it still works."""

from __future__ import annotations

import time

import bcrypt
import pytest
from sqlalchemy import create_engine, text

from core.auth.passwords import hash_password
from tests.helpers.server import (
    ADMIN_PASSWORD,
    Device,
    change,
    forged_grant,
    hlc,
    make_admin,
    new_id,
)

pytestmark = pytest.mark.postgres

POLICY_HASH = hash_password("a patient's password")
CHEAP_BCRYPT = bcrypt.hashpw(b"legacy password", bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture
def workstation(enroll, clinic) -> Device:
    return enroll(clinic, name="compromised desk", role="workstation")


def _user(admin: Device, role: str, **fields) -> str:
    uid = new_id()
    values = {"email": f"{uid[:8]}@{role}.org", "role": role, "is_active": True, **fields}
    assert admin.push_ok(change("users", uid, values))[0]["status"] == "applied"
    return uid


def _fields(device: Device, uid: str) -> dict:
    return dict(device.state()[("users", uid)]["fields"])


def _refusals(device: Device, action: str) -> list[dict]:
    return [
        c["fields"]
        for c in device.pull_all()
        if c["entity"] == "audit_events" and c["fields"].get("action") == action
    ]


def _set_stored_hash(server, uid: str, hashed: str) -> None:
    """What an older server let a device push, written straight into the server's records."""
    engine = create_engine(server.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE records SET fields = jsonb_set(fields, '{hashed_password}', "
                    "to_jsonb(CAST(:h AS text))) WHERE entity = 'users' AND entity_id = :id"
                ),
                {"h": hashed, "id": uid},
            )
    finally:
        engine.dispose()


# Finding 2: a guarded field's clock moved forward on the same value.


def test_a_newer_clock_on_an_unchanged_role_is_refused_and_a_later_demotion_wins(
    server, clinic, admin, workstation
):
    target = make_admin(server.database_url, clinic)
    bump = change("users", target, {"role": "admin", "is_active": True}, at=hlc(240_000))
    (result,) = workstation.push_ok(bump)
    assert (result["status"], result["code"]) == ("rejected", "admin_proof_required")
    (refused,) = _refusals(admin, "sync_change_refused")
    assert refused["target_id"] == target and refused["details"]["by_device"] == (
        workstation.device_id
    )
    demote = change("users", target, {"role": "clinician", "is_active": False})
    assert admin.push_ok(demote)[0]["status"] == "applied"
    fields = _fields(admin, target)
    assert (fields["role"], fields["is_active"]) == ("clinician", False)


def test_an_edit_that_resends_a_guarded_field_at_its_own_clock_needs_no_authority(
    admin, workstation
):
    clerk = _user(admin, "clinician", first_name="Cleo")
    row = workstation.state()[("users", clerk)]
    stamp = hlc(1000)
    edit = {
        **change("users", clerk, {"first_name": "Clio"}, at=stamp),
        "fields": {"first_name": "Clio", "role": "clinician"},
        "clocks": {"first_name": stamp, "role": row["clocks"]["role"]},
    }
    assert workstation.push_ok(edit)[0]["status"] == "applied"
    assert _fields(admin, clerk)["first_name"] == "Clio"


def test_an_admin_with_a_proof_may_still_restamp_a_role(admin):
    clerk = _user(admin, "clinician")
    (result,) = admin.push_ok(change("users", clerk, {"role": "clinician"}, at=hlc(1000)))
    assert result["status"] == "applied"


# Finding 3: the hashing cost is the policy's, never the pusher's.


def _costly(kind: str) -> str:
    if kind == "bcrypt_cost_31":
        return CHEAP_BCRYPT.replace("$04$", "$31$", 1)
    if kind == "argon2_4_gib":
        return POLICY_HASH.replace("m=19456", "m=4194304", 1)
    if kind == "argon2i":
        return POLICY_HASH.replace("$argon2id$", "$argon2i$", 1)
    return "$argon2id$not-a-hash"


@pytest.mark.parametrize("kind", ["bcrypt_cost_31", "argon2_4_gib", "argon2i", "not_a_hash"])
def test_a_pushed_password_hash_outside_the_policy_is_refused(admin, workstation, kind):
    patient = new_id()
    fields = {"email": f"{patient[:8]}@p.org", "role": "patient", "hashed_password": _costly(kind)}
    (result,) = workstation.push_ok(change("users", patient, fields))
    assert (result["status"], result["code"]) == ("rejected", "password_hash_not_allowed")
    assert "hashing settings" in result["message"]
    assert ("users", patient) not in admin.state()
    # The same on an update of an existing account, even with an administrator's proof.
    clerk = _user(admin, "clinician", hashed_password=POLICY_HASH)
    (result,) = admin.push_ok(change("users", clerk, {"hashed_password": _costly(kind)}))
    assert result["code"] == "password_hash_not_allowed"
    assert _fields(admin, clerk)["hashed_password"] == POLICY_HASH


@pytest.mark.parametrize("hashed", [POLICY_HASH, CHEAP_BCRYPT], ids=["argon2id", "legacy_bcrypt"])
def test_hashes_of_the_policy_and_legacy_bcrypt_are_taken(admin, workstation, hashed):
    patient = new_id()
    fields = {"email": f"{patient[:8]}@p.org", "role": "patient", "hashed_password": hashed}
    assert workstation.push_ok(change("users", patient, fields))[0]["status"] == "applied"


def test_a_stored_hash_outside_the_policy_is_never_checked(server, clinic, admin, workstation):
    boss = make_admin(server.database_url, clinic)
    _set_stored_hash(server, boss, CHEAP_BCRYPT.replace("$04$", "$16$", 1))
    response = workstation.sign_in(boss, "legacy password")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "grant_refused"
    (refused,) = [e for e in _refusals(admin, "admin_grant_refused") if e["actor_id"] == boss]
    assert refused["details"]["reason"] == "hash_not_allowed"


@pytest.mark.parametrize("why", ["patient", "deactivated"])
def test_a_patient_or_deactivated_account_is_refused_even_with_its_password(
    server, clinic, admin, workstation, why
):
    user = make_admin(server.database_url, clinic)
    demotion = {"role": "patient"} if why == "patient" else {"is_active": False}
    assert admin.push_ok(change("users", user, demotion))[0]["status"] == "applied"
    assert workstation.sign_in(user, ADMIN_PASSWORD).status_code == 403
    (refused,) = [e for e in _refusals(admin, "admin_grant_refused") if e["actor_id"] == user]
    assert refused["details"]["reason"] == "not_allowed"


# Finding 4: a grant is bound to the password it was issued under.


def test_a_grant_ends_when_the_administrators_password_is_reset(server, clinic, admin, workstation):
    victim_admin = make_admin(server.database_url, clinic)
    assert workstation.sign_in(victim_admin).status_code == 200  # a phished password
    stolen = workstation.grant
    reset = change("users", victim_admin, {"hashed_password": hash_password("a new password 1")})
    assert admin.push_ok(reset)[0]["status"] == "applied"
    assert workstation.sign_in(victim_admin).status_code == 403
    assert workstation.grant == stolen  # the old proof is all the attacker has
    staff = new_id()
    made = change("users", staff, {"email": f"{staff[:8]}@x.org", "role": "admin"})
    (result,) = workstation.push_ok(made)
    assert (result["status"], result["code"]) == ("rejected", "admin_proof_required")
    assert "password changed" in result["message"]
    assert ("users", staff) not in admin.state()
    # The administrator with the new password gets a proof that works.
    assert workstation.sign_in(victim_admin, "a new password 1").status_code == 200
    assert workstation.push_ok(made)[0]["status"] == "applied"


def test_an_administrator_who_changes_their_own_password_may_act_in_the_same_push(
    server, clinic, workstation
):
    boss = make_admin(server.database_url, clinic)
    assert workstation.sign_in(boss).status_code == 200
    own = change("users", boss, {"hashed_password": hash_password("a newer password 2")})
    staff = new_id()
    made = change("users", staff, {"email": f"{staff[:8]}@x.org", "role": "clinician"})
    assert [r["status"] for r in workstation.push_ok(own, made)] == ["applied", "applied"]
    later = change("users", staff, {"role": "admin"}, at=hlc(1000))
    assert workstation.push_ok(later)[0]["code"] == "admin_proof_required"  # sign in again


# Finding 7: a kiosk's requests are limited before they are audited.


def test_a_kiosk_cannot_flood_the_audit_log_with_requests_for_proofs(
    custom_server, clinic, enroll, server
):
    admin = enroll(clinic, name="admin desk", role="admin")
    with custom_server(grant_per_minute=2) as limited:
        kiosk = enroll(clinic, name="lobby", role="kiosk").on(limited)
        answers = [kiosk.sign_in(new_id()).status_code for _ in range(5)]
    assert answers == [403, 403, 429, 429, 429]
    refused = _refusals(admin, "admin_grant_refused")
    assert [e["details"]["reason"] for e in refused] == ["kiosk", "kiosk"]
    assert {e["details"]["by_device"] for e in refused} == {kiosk.device_id}


# Finding 8: a little leeway for servers whose clocks differ.


@pytest.mark.parametrize(("ahead_s", "applied"), [(20, True), (300, False)])
def test_a_proof_issued_a_few_seconds_ahead_is_accepted(
    server, clinic, admin, workstation, ahead_s, applied
):
    boss = make_admin(server.database_url, clinic)
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            secret = str(conn.scalar(text("SELECT grant_secret FROM server_identity")))
    finally:
        engine.dispose()
    hashed = _fields(admin, boss)["hashed_password"]
    workstation.grant = forged_grant(
        workstation, secret, boss, hashed, iat=int(time.time()) + ahead_s
    )
    workstation.acting = boss
    staff = new_id()
    (result,) = workstation.push_ok(change("users", staff, {"email": "s@x.org", "role": "admin"}))
    assert (result["status"] == "applied") is applied, result


# Finding 10: a staff account's email is an administrator's (or its owner's) to change.


def test_a_staff_email_needs_admin_authority_or_its_owner(server, clinic, admin, workstation):
    clerk = make_admin(server.database_url, clinic)
    assert admin.push_ok(change("users", clerk, {"role": "clinician"}))[0]["status"] == "applied"
    grab = change("users", clerk, {"email": "attacker@evil.org"}, at=hlc(1000))
    (result,) = workstation.push_ok(grab)
    assert (result["status"], result["code"]) == ("rejected", "admin_proof_required")
    assert _fields(admin, clerk)["email"] != "attacker@evil.org"
    # A patient's email is the desk's to correct, as before.
    patient = _user(admin, "patient")
    fix = change("users", patient, {"email": "new.patient@p.org"}, at=hlc(1000))
    assert workstation.push_ok(fix)[0]["status"] == "applied"
    # The owner, with their own proof, and an administrator, with theirs, may.
    assert workstation.sign_in(clerk).status_code == 200
    mine = change("users", clerk, {"email": "clerk.new@clinic.org"}, at=hlc(2000))
    assert workstation.push_ok(mine)[0]["status"] == "applied"
    theirs = change("users", clerk, {"email": "clerk.final@clinic.org"}, at=hlc(3000))
    assert admin.push_ok(theirs)[0]["status"] == "applied"
    assert _fields(admin, clerk)["email"] == "clerk.final@clinic.org"


# Finding 5 (in part): guesses at one account, from all devices together, are limited.


def test_proofs_asked_for_one_account_are_limited_across_devices(
    custom_server, clinic, enroll, server
):
    enroll(clinic, role="admin")
    boss, other = make_admin(server.database_url, clinic), make_admin(server.database_url, clinic)
    with custom_server(grant_account_per_minute=2) as limited:
        guessers = [enroll(clinic, name=f"g{i}", role="workstation").on(limited) for i in range(3)]
        answers = [g.sign_in(boss, "a guess").status_code for g in guessers]
        assert answers == [403, 403, 429]
        assert guessers[2].sign_in(boss).status_code == 429  # the right password waits too
        assert guessers[2].sign_in(other).status_code == 200  # another account's bucket
