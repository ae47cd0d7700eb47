"""Two protocol rules on the server: every change is checked against the devices' schema
(``core.sync.schema.field_problems``), and audit events are never deleted through sync (rule 7)."""

from __future__ import annotations

import pytest

from tests.helpers.server import change, consented, hlc, new_id

pytestmark = pytest.mark.postgres

DIGEST = "cd" * 32


def _refusal(response) -> str:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_change"
    return str(error["message"])


@pytest.mark.parametrize(
    ("entity", "fields", "named"),
    [
        ("users", {"email": "a@b.org", "shoe_size": 44}, "'shoe_size'"),
        ("users", {"first_name": "x" * 101}, "users.first_name"),
        ("users", {"email": None}, "users.email must not be null"),
        ("users", {"age": "forty"}, "users.age must be a int"),
        ("users", {"age": True}, "users.age"),
        ("users", {"is_active": 1}, "users.is_active must be a bool"),
        ("skin_analysis_results", {"skin_score": "high"}, "skin_score"),
        ("skin_analysis_results", {"user_id": "patient-7"}, "user_id must be a uuid"),
        ("consent_records", {"recorded_at": "2026-11-25T10:00:00"}, "recorded_at"),
        ("consent_records", {"recorded_at": "yesterday"}, "recorded_at"),
        ("clinician_notes", {"body": 42}, "clinician_notes.body must be a str"),
        ("audit_events", {"action": "a" * 65}, "audit_events.action"),
        ("images", {"size_bytes": 1.5}, "images.size_bytes"),
    ],
)
def test_a_field_the_devices_cannot_store_refuses_the_batch(device, entity, fields, named):
    entity_id = DIGEST if entity == "images" else new_id()
    fine = change("users", new_id(), {"email": f"{new_id()[:8]}@fine.org"})
    message = _refusal(device.push(fine, change(entity, entity_id, fields)))
    assert named in message and entity_id in message
    stored = device.state()
    assert (entity, entity_id) not in stored
    assert ("users", fine["entity_id"]) not in stored  # the whole batch, not only the bad change


def test_well_formed_values_of_every_kind_are_accepted(device):
    uid = new_id()
    consent, analysis = consented(uid, skin_score=71)
    results = device.push_ok(
        change(
            "users",
            uid,
            {
                "email": "kinds@clinic.org",
                "first_name": "Ada",
                "age": 36,
                "is_active": True,
                "preferences": {"lang": ["fr", "en"]},
                "updated_at": "2026-11-25T10:00:00+01:00",
                "hashed_password": None,
            },
        ),
        consent,
        analysis,
        change(
            "skin_analysis_results",
            new_id(),
            {"user_id": uid.upper(), "skin_score": 71.5, "consent_id": consent["entity_id"]},
        ),
    )
    assert [r["status"] for r in results] == ["applied"] * 4


def test_local_only_columns_are_still_dropped_not_refused(device):
    uid = new_id()
    results = device.push_ok(
        change("users", uid, {"email": "lo@clinic.org", "failed_login_count": 3})
    )
    assert results[0]["status"] == "applied"
    assert device.state()[("users", uid)]["fields"] == {"email": "lo@clinic.org"}


def test_the_existing_checks_come_first(device):
    unclocked = change("users", new_id(), {"email": "c@clinic.org", "shoe_size": 1})
    unclocked["clocks"] = {}
    assert "without a clock" in _refusal(device.push(unclocked))


def test_a_refused_batch_can_be_fixed_and_sent_again_under_its_key(device):
    key, uid = new_id(), new_id()
    bad = change("users", uid, {"email": "fix@clinic.org", "age": "x"})
    _refusal(device.push(bad, key=key))
    good = change("users", uid, {"email": "fix@clinic.org", "age": 30})
    response = device.push(good, key=key)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"


def _audit(event_id: str, target: str) -> dict:
    return change(
        "audit_events",
        event_id,
        {"action": "user_created", "target_type": "user", "target_id": target, "details": {}},
    )


def test_an_audit_event_delete_is_ignored_as_immutable(device, enroll, clinic):
    event_id = new_id()
    device.push_ok(_audit(event_id, new_id()))
    delete = change("audit_events", event_id, op="delete", at=hlc(+1000))
    assert device.push_ok(delete)[0]["status"] == "immutable"
    row = enroll(clinic).state()[("audit_events", event_id)]
    assert row["deleted"] is False and row["fields"]["action"] == "user_created"


def test_an_audit_event_delete_arriving_first_leaves_no_tombstone(device):
    event_id = new_id()
    delete = change("audit_events", event_id, op="delete")
    assert device.push_ok(delete)[0]["status"] == "immutable"
    assert ("audit_events", event_id) not in device.state()
    assert device.push_ok(_audit(event_id, new_id()))[0]["status"] == "applied"


def test_erasing_a_user_keeps_the_audit_events_that_name_them(device):
    device.act_as_admin()  # erasing a user needs an administrator's proof
    uid, event_id = new_id(), new_id()
    device.push_ok(change("users", uid, {"email": "gone@clinic.org"}), _audit(event_id, uid))
    statuses = device.push_ok(
        change("users", uid, op="delete"), change("audit_events", event_id, op="delete")
    )
    assert [s["status"] for s in statuses] == ["applied", "immutable"]
    state = device.state()
    assert state[("users", uid)]["deleted"] is True
    assert state[("audit_events", event_id)]["fields"]["target_id"] == uid


@pytest.mark.parametrize("entity", ["clinician_notes", "consent_records", "images"])
def test_other_append_only_rows_can_still_be_deleted(device, entity):
    row_id = DIGEST if entity == "images" else new_id()
    fields = {"images": {"media_type": "image/jpeg"}, "consent_records": {"granted": True}}
    device.push_ok(change(entity, row_id, fields.get(entity, {"body": "dry cheeks"})))
    assert device.push_ok(change(entity, row_id, op="delete"))[0]["status"] == "applied"
    assert device.state()[(entity, row_id)]["deleted"] is True
