"""Push: a batch is validated whole, applied in one transaction, and exactly once per key."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import create_engine, text

from core.sync.protocol import MAX_CHANGES_PER_PUSH
from server.db import lock_key
from tests.helpers.server import change, consented, hlc, new_id

pytestmark = pytest.mark.postgres


def _user(email: str = "ada@clinic.org", **more) -> dict:
    return {"email": email, "first_name": "Ada", "last_name": "Lovelace", **more}


def test_a_batch_is_applied_and_answered_per_change(device):
    uid, aid = new_id(), new_id()
    consent, analysis = consented(uid, aid, skin_score=71.5)
    response = device.push(change("users", uid, _user()), analysis, consent)
    assert response.status_code == 200
    body = response.json()
    # Applied parents first (the consent before its analysis), answered in the order sent.
    assert [r["status"] for r in body["results"]] == ["applied", "applied", "applied"]
    assert [r["entity_id"] for r in body["results"]] == [uid, aid, consent["entity_id"]]
    assert abs(body["server_time_ms"] - int(hlc()[:13])) < 60_000
    state = device.state()
    assert state[("users", uid)]["fields"] == _user()
    assert state[("skin_analysis_results", aid)]["fields"]["skin_score"] == 71.5


def test_a_replay_returns_the_same_answer_and_writes_nothing(device):
    key, uid = new_id(), new_id()
    payload = change("users", uid, _user())
    first = device.push(payload, key=key)
    before = device.pull_all()
    # The same body, serialised differently, under the same key.
    raw = json.dumps({"changes": [dict(reversed(list(payload.items())))]}, indent=2)
    again = device.request(
        "POST",
        "/v1/push",
        content=raw,
        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
    )
    assert again.status_code == 200 and again.json() == first.json()
    assert device.pull_all() == before  # no new server_seq: nothing was written


def test_the_same_key_with_another_body_is_refused(device):
    key = new_id()
    assert device.push(change("users", new_id(), _user()), key=key).status_code == 200
    response = device.push(change("users", new_id(), _user("b@c.org")), key=key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_device(device, enroll, clinic):
    other, key = enroll(clinic), new_id()
    assert device.push(change("users", new_id(), _user("1@a.org")), key=key).status_code == 200
    response = other.push(change("users", new_id(), _user("2@a.org")), key=key)
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "applied"


def test_a_retry_while_the_first_is_running_gets_409(device, server):
    key = new_id()
    engine = create_engine(server.database_url)
    with engine.connect() as conn:  # stands in for the first request, mid-transaction
        conn.execute(
            text("SELECT pg_advisory_lock(:k)"), {"k": lock_key("push", device.device_id, key)}
        )
        response = device.push(change("users", new_id(), _user()), key=key)
        conn.execute(text("SELECT pg_advisory_unlock_all()"))
    engine.dispose()
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "request_in_progress"
    assert device.push(change("users", new_id(), _user()), key=key).status_code == 200


def test_concurrent_retries_apply_once(device):
    key, uid = new_id(), new_id()
    payload = change("users", uid, _user())
    answers: list = []
    threads = [
        threading.Thread(target=lambda: answers.append(device.push(payload, key=key)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} <= {200, 409}
    assert [c["entity_id"] for c in device.pull_all()] == [uid]


@pytest.mark.parametrize(
    "body",
    [
        {"changes": []},
        {"changes": "nope"},
        {},
        {"changes": [{"entity": "users", "entity_id": "not-a-uuid", "op": "upsert", "hlc": "x"}]},
        {"changes": [{**change("users", "00000000-0000-0000-0000-000000000001"), "op": "merge"}]},
        {"changes": [{**change("users", "00000000-0000-0000-0000-000000000001"), "extra": 1}]},
        {"changes": [change("users", "00000000-0000-0000-0000-000000000001", {"Bad Column": 1})]},
    ],
    ids=[
        "empty",
        "not-a-list",
        "no-changes",
        "bad-id-and-hlc",
        "bad-op",
        "extra-key",
        "bad-column",
    ],
)
def test_a_malformed_batch_is_refused_whole(device, body):
    response = device.request("POST", "/v1/push", json=body, headers={"Idempotency-Key": new_id()})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_request"
    assert device.pull_all() == []


def test_too_many_changes(device):
    changes = [
        change("users", new_id(), _user(f"{i}@a.org")) for i in range(MAX_CHANGES_PER_PUSH + 1)
    ]
    assert device.push(*changes).status_code == 422


def test_an_unknown_entity_is_refused_whole(device):
    good = change("users", new_id(), _user())
    bad = change("prescriptions", new_id(), {"drug": "x"})
    response = device.push(good, bad)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_entity"
    assert device.pull_all() == []


def test_fields_without_clocks_are_refused(device):
    payload = change("users", new_id(), _user())
    payload["clocks"].pop("email")
    response = device.push(payload)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_change"


def test_local_only_columns_never_reach_the_server(device):
    uid = new_id()
    device.push_ok(change("users", uid, _user(failed_login_count=3, locked_until=None)))
    assert device.state()[("users", uid)]["fields"] == _user()


def test_changes_stamped_in_the_future_are_refused(device):
    uid = new_id()
    response = device.push(change("users", uid, _user(), at=hlc(offset_ms=10 * 60_000)))
    assert response.status_code == 409 and response.json()["error"]["code"] == "clock_skew"
    assert device.pull_all() == []
    # A few seconds ahead (an ordinary clock difference) is fine.
    assert (
        device.push_ok(change("users", uid, _user(), at=hlc(offset_ms=5_000)))[0]["status"]
        == "applied"
    )


def test_another_clinics_row_refuses_the_whole_batch(device, enroll):
    theirs = enroll("Elsewhere " + new_id()[:6])
    uid = new_id()
    theirs.push_ok(change("users", uid, _user()))
    mine = new_id()
    response = device.push(change("users", mine, _user("me@a.org")), change("users", uid, _user()))
    assert response.status_code == 403 and response.json()["error"]["code"] == "wrong_clinic"
    assert device.pull_all() == []


def test_a_missing_or_malformed_idempotency_key(device):
    body = {"changes": [change("users", new_id(), _user())]}
    missing = device.request("POST", "/v1/push", json=body)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "idempotency_key_missing"
    bad = device.request("POST", "/v1/push", json=body, headers={"Idempotency-Key": "abc"})
    assert bad.status_code == 400


def test_a_body_over_8_mb_is_refused_before_parsing(device):
    blob = "x" * (8 * 1024 * 1024)
    response = device.push(change("users", new_id(), {"notes": blob}))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_chunked_body_over_the_limit_is_refused(device):
    def chunks():
        for _ in range(9):
            yield b" " * (1024 * 1024)

    response = device.request(
        "POST",
        "/v1/push",
        content=chunks(),
        headers={"Idempotency-Key": new_id(), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("entity", "entity_id"),
    [("users", "ab" * 32), ("images", "00000000-0000-0000-0000-000000000001")],
)
def test_ids_must_have_their_entitys_shape(device, entity, entity_id):
    response = device.push(change(entity, entity_id, {"email": "shape@a.org"}))
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_change"


@pytest.mark.parametrize(
    "value",
    ["nul \x00 inside", "\ud800 lone surrogate", {"deep": ["\x00"]}],
    ids=["nul", "surrogate", "nested"],
)
def test_values_postgresql_cannot_store_are_a_422_not_a_500(device, value):
    # json.dumps escapes them as \\uXXXX, as a device in another language might send them.
    body = json.dumps({"changes": [change("users", new_id(), {"first_name": value})]})
    response = device.request(
        "POST",
        "/v1/push",
        content=body,
        headers={"Idempotency-Key": new_id(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_change"


def test_nan_is_refused(device):
    stamp = hlc()
    raw = (
        f'{{"changes": [{{"entity": "users", "entity_id": "{new_id()}", "op": "upsert", '
        f'"fields": {{"age": NaN}}, "clocks": {{"age": "{stamp}"}}, "hlc": "{stamp}"}}]}}'
    )
    response = device.request(
        "POST",
        "/v1/push",
        content=raw,
        headers={"Idempotency-Key": new_id(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_a_push_stuck_behind_the_clinics_lock_gets_503(device, server, custom_server):
    engine = create_engine(server.database_url)
    with custom_server(lock_timeout_s=0.3) as impatient, engine.connect() as conn:
        conn.execute(
            text("SELECT pg_advisory_lock(:k)"), {"k": lock_key("clinic", device.clinic_id)}
        )
        response = device.on(impatient).push(change("users", new_id(), _user()))
        conn.execute(text("SELECT pg_advisory_unlock_all()"))
    engine.dispose()
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "server_busy"
