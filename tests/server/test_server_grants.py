"""Admin authority needs a proof of the person, not only the device: through the real server on
PostgreSQL, a workstation (or admin device) that names an administrator without that
administrator's valid proof of sign-in, issued to it by the server, changes nothing anywhere; every
refusal and every proof asked for is audited in the clinic's hash-chained log."""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest
from jwt.utils import base64url_encode
from sqlalchemy import create_engine, text

from core.audit.chain import verify_rows
from core.sync.protocol import ADMIN_GRANT_HEADER, ADMIN_GRANT_LIFETIME_S
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


@pytest.fixture
def workstation(enroll, clinic) -> Device:
    return enroll(clinic, name="front desk", role="workstation")


def _staff(admin: Device, role: str = "clinician") -> str:
    uid = new_id()
    fields = {"email": f"{uid[:8]}@staff.org", "role": role, "is_active": True}
    assert admin.push_ok(change("users", uid, fields))[0]["status"] == "applied"
    return uid


def _promote(victim: str, actor: str, at: int = 1000) -> dict:
    return {**change("users", victim, {"role": "admin"}, at=hlc(at)), "actor": actor}


def _events(device: Device, action: str) -> list[dict]:
    return [
        c["fields"]
        for c in device.pull_all()
        if c["entity"] == "audit_events" and c["fields"].get("action") == action
    ]


def _role(admin: Device, uid: str) -> str:
    return str(admin.state()[("users", uid)]["fields"]["role"])


def _secret(server) -> str:
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return str(conn.scalar(text("SELECT grant_secret FROM server_identity")))
    finally:
        engine.dispose()


def _minted(device: Device, secret: str, user: str, **overrides: object) -> str:
    """A grant for ``user`` as the device knows their password hash."""
    hashed = device.state()[("users", user)]["fields"]["hashed_password"]
    return forged_grant(device, secret, user, hashed, **overrides)


def test_a_valid_proof_lets_the_admins_role_change_apply_and_reach_another_device(
    server, clinic, admin, workstation, enroll
):
    boss, victim = make_admin(server.database_url, clinic), _staff(admin)
    answer = workstation.sign_in(boss)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["user_id"] == boss
    assert body["expires_at"] - time.time() == pytest.approx(ADMIN_GRANT_LIFETIME_S, abs=60)
    assert workstation.push_ok(_promote(victim, boss))[0]["status"] == "applied"
    elsewhere = enroll(clinic, name="consulting room", role="workstation")
    assert elsewhere.state()[("users", victim)]["fields"]["role"] == "admin"
    (issued,) = [e for e in _events(admin, "admin_grant_issued") if e["actor_id"] == boss]
    assert issued["details"]["by_device"] == workstation.device_id


def test_naming_an_admin_without_a_proof_is_refused_applied_nowhere_and_audited(
    server, clinic, admin, workstation
):
    boss, victim = make_admin(server.database_url, clinic), _staff(admin)
    (result,) = workstation.push_ok(_promote(victim, boss))
    assert (result["status"], result["code"]) == ("rejected", "admin_proof_required")
    assert "no proof" in result["message"]
    assert _role(admin, victim) == "clinician"
    (refused,) = _events(admin, "sync_change_refused")
    assert (refused["actor_id"], refused["target_id"]) == (boss, victim)
    assert refused["details"]["code"] == "admin_proof_required"
    assert refused["details"]["by_device"] == workstation.device_id


def test_an_admin_device_needs_a_proof_too(enroll, clinic, server):
    device = enroll(clinic, name="admin desk", role="admin")
    boss = make_admin(server.database_url, clinic)
    victim = new_id()
    assert device.sign_in(boss).status_code == 200
    device.push_ok(change("users", victim, {"email": "v@a.org", "role": "clinician"}))
    device.grant = None  # the same device, the same claim, no proof
    (result,) = device.push_ok(_promote(victim, boss))
    assert result["code"] == "admin_proof_required"
    (result,) = device.push_ok(change("users", victim, op="delete"))  # no one named at all
    assert result["code"] == "admin_proof_required"
    assert device.state()[("users", victim)]["deleted"] is False


def test_a_proof_of_another_user_proves_nothing_for_this_one(server, clinic, admin, workstation):
    boss, other_admin, victim = (
        make_admin(server.database_url, clinic),
        make_admin(server.database_url, clinic),
        _staff(admin),
    )
    assert workstation.sign_in(other_admin).status_code == 200
    (result,) = workstation.push_ok(_promote(victim, boss))
    assert result["code"] == "admin_proof_required" and "another user" in result["message"]
    assert _role(admin, victim) == "clinician"


def test_a_proof_issued_to_another_device_proves_nothing_here(
    server, clinic, admin, workstation, enroll
):
    boss, victim = make_admin(server.database_url, clinic), _staff(admin)
    thief = enroll(clinic, name="thief", role="workstation")
    assert workstation.sign_in(boss).status_code == 200
    stolen = workstation.grant
    assert stolen is not None
    response = thief.push(_promote(victim, boss), headers={ADMIN_GRANT_HEADER: stolen})
    (result,) = response.json()["results"]
    assert result["code"] == "admin_proof_required" and "another device" in result["message"]
    assert _role(admin, victim) == "clinician"


@pytest.mark.parametrize("kind", ["expired", "altered", "other_key", "alg_none", "not_a_jwt"])
def test_an_expired_or_forged_proof_proves_nothing(server, clinic, admin, workstation, kind):
    boss, other_admin, victim = (
        make_admin(server.database_url, clinic),
        make_admin(server.database_url, clinic),
        _staff(admin),
    )
    secret = _secret(server)
    now = int(time.time())
    if kind == "expired":
        grant = _minted(workstation, secret, boss, iat=now - 40000, exp=now - 10)
    elif kind == "altered":  # a real proof of another admin, its user swapped, signature kept
        assert workstation.sign_in(other_admin).status_code == 200
        assert workstation.grant is not None
        header, _, signature = workstation.grant.split(".")
        claims = jwt.decode(workstation.grant, options={"verify_signature": False})
        forged_body = base64url_encode(json.dumps({**claims, "sub": boss}).encode()).decode()
        grant = f"{header}.{forged_body}.{signature}"
    elif kind == "other_key":
        grant = _minted(workstation, "x" * 64, boss)
    elif kind == "alg_none":
        grant = jwt.encode(
            jwt.decode(_minted(workstation, secret, boss), options={"verify_signature": False}),
            None,
            algorithm="none",
        )
    else:
        grant = "not a proof"
    response = workstation.push(_promote(victim, boss), headers={ADMIN_GRANT_HEADER: grant})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["code"] == "admin_proof_required", kind
    assert _role(admin, victim) == "clinician"
    # The test's own minting is right: the same claims, fresh, are accepted.
    fresh = _minted(workstation, secret, boss)
    ok = workstation.push(_promote(victim, boss, 2000), headers={ADMIN_GRANT_HEADER: fresh})
    assert ok.json()["results"][0]["status"] == "applied"


@pytest.mark.parametrize("since", ["demoted", "deactivated"])
def test_a_proof_of_an_admin_demoted_or_deactivated_since_grants_nothing(
    server, clinic, admin, workstation, since
):
    boss, victim = make_admin(server.database_url, clinic), _staff(admin)
    assert workstation.sign_in(boss).status_code == 200
    demotion = {"role": "clinician"} if since == "demoted" else {"is_active": False}
    assert admin.push_ok(change("users", boss, demotion, at=hlc(500)))[0]["status"] == "applied"
    (result,) = workstation.push_ok(_promote(victim, boss))
    assert (result["status"], result["code"]) == ("rejected", "actor_not_admin")
    assert _role(admin, victim) == "clinician"
    # And no new proof for a deactivated account.
    if since == "deactivated":
        assert workstation.sign_in(boss).status_code == 403


def test_a_wrong_password_is_refused_audited_and_gives_no_proof(server, clinic, admin, workstation):
    boss = make_admin(server.database_url, clinic, email="boss@clinic.org")
    wrong = workstation.sign_in("boss@clinic.org", "not the password")
    unknown = workstation.sign_in("nobody@clinic.org", ADMIN_PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "grant_refused"
        assert "grant" not in response.json()
    assert wrong.json() == unknown.json()  # one answer: who exists is not revealed
    assert workstation.grant is None
    refused = _events(admin, "admin_grant_refused")
    assert [(e["actor_id"], e["details"]["reason"]) for e in refused] == [
        (boss, "wrong_password"),
        (None, "unknown_user"),
    ]
    assert all(e["details"]["by_device"] == workstation.device_id for e in refused)
    events = [
        c["fields"] | {"event_id": c["entity_id"]}
        for c in admin.pull_all()
        if c["entity"] == "audit_events"
    ]
    assert verify_rows(events).ok
    # By email, any spelling, the right password works.
    assert workstation.sign_in(" BOSS@clinic.org ").status_code == 200


def test_a_patient_account_gets_no_proof(admin, workstation):
    patient = new_id()
    fields = {"email": "pat@a.org", "role": "patient", "is_active": True}
    admin.push_ok(change("users", patient, {**fields, "hashed_password": None}))
    assert workstation.sign_in(patient, "").status_code == 422  # an empty password: refused
    assert workstation.sign_in(patient, "anything at all").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"user": "boss\x00@clinic.org", "password": "x"},
        {"user": "boss@clinic.org", "password": "a\ud800b"},
        {"user": "boss@clinic.org"},
        {"user": "boss@clinic.org", "password": "x", "role": "admin"},
    ],
)
def test_a_malformed_request_for_a_proof_is_refused_by_name(workstation, body):
    response = workstation.request(
        "POST",
        "/v1/grants",
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_request"


def test_a_kiosk_cannot_ask_for_a_proof(server, clinic, admin, enroll):
    boss = make_admin(server.database_url, clinic)
    kiosk = enroll(clinic, name="lobby", role="kiosk")
    response = kiosk.sign_in(boss)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_not_allowed"
    (refused,) = _events(admin, "admin_grant_refused")
    assert refused["details"] == {
        "by_device": kiosk.device_id,
        "device_role": "kiosk",
        "reason": "kiosk",
    }


def test_the_device_token_is_checked_before_the_body_is_read(server):
    response = httpx.post(
        f"{server.url}/v1/grants", content=b"{not json", headers={"X-SkinLab-Protocol": "1"}
    )
    assert response.status_code == 401


def test_proofs_asked_for_are_rate_limited_per_device(custom_server, clinic, enroll, server):
    enroll(clinic, role="admin")  # the clinic exists from its first enrollment
    boss = make_admin(server.database_url, clinic)
    with custom_server(grant_per_minute=2) as limited:
        device = enroll(clinic, name="guesser", role="workstation").on(limited)
        answers = [device.sign_in(boss, f"guess {i}").status_code for i in range(3)]
        assert answers == [403, 403, 429]
        other = enroll(clinic, name="other", role="workstation").on(limited)
        assert other.sign_in(boss).status_code == 200  # another device's bucket is its own
