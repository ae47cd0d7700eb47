"""The merge rule on the server: field-level LWW by HLC, deletes win for ever, erasure covers
dependants, append-only entities never change, one live email per clinic."""

from __future__ import annotations

import pytest

from tests.helpers.server import change, consented, hlc, new_id

pytestmark = pytest.mark.postgres


def _upsert(entity: str, entity_id: str, clocked: dict[str, tuple[object, str]]) -> dict:
    """A change whose fields carry their own clocks: ``{"col": (value, hlc)}``."""
    stamps = [stamp for _, stamp in clocked.values()]
    return {
        "entity": entity,
        "entity_id": entity_id,
        "op": "upsert",
        "fields": {name: value for name, (value, _) in clocked.items()},
        "clocks": {name: stamp for name, (_, stamp) in clocked.items()},
        "hlc": max(stamps),
    }


def _delete(entity: str, entity_id: str, at: str | None = None) -> dict:
    return change(entity, entity_id, op="delete", at=at)


def test_last_writer_wins_per_field(device, enroll, clinic):
    other = enroll(clinic)
    uid = new_id()
    t0, t1, t2 = hlc(-3000, node="b"), hlc(-2000, node="a"), hlc(-1000, node="b")
    device.push_ok(
        _upsert("users", uid, {"first_name": ("Ada", t1), "last_name": ("Lovelace", t1)})
    )
    # The other device changed first_name later and last_name earlier, while offline.
    results = other.push_ok(
        _upsert("users", uid, {"first_name": ("Augusta", t2), "last_name": ("Byron", t0)})
    )
    assert results[0]["status"] == "applied"
    row = device.state()[("users", uid)]
    assert row["fields"] == {"first_name": "Augusta", "last_name": "Lovelace"}
    assert row["clocks"] == {"first_name": t2, "last_name": t1}
    assert row["hlc"] == t2


def test_an_older_or_equal_write_is_stale_and_columns_not_sent_are_kept(device):
    uid, t1 = new_id(), hlc(-1000)
    device.push_ok(_upsert("users", uid, {"first_name": ("Ada", t1), "age": (36, t1)}))
    before = device.pull_all()
    older = _upsert("users", uid, {"first_name": ("Old", hlc(-5000))})
    same_clock = _upsert("users", uid, {"first_name": ("Tie", t1)})
    assert [r["status"] for r in device.push_ok(older, same_clock)] == ["stale", "stale"]
    assert device.pull_all() == before
    device.push_ok(_upsert("users", uid, {"first_name": ("New", hlc())}))
    assert device.state()[("users", uid)]["fields"] == {"first_name": "New", "age": 36}


def test_deletes_win_for_ever(device, enroll, clinic):
    device.act_as_admin()  # erasing a user needs an administrator's proof
    stale_device = enroll(clinic)
    uid = new_id()
    device.push_ok(change("users", uid, {"email": "gone@a.org", "first_name": "Gone"}))
    assert device.push_ok(_delete("users", uid))[0]["status"] == "applied"
    # A device offline for weeks sends an edit stamped after the delete: it cannot resurrect.
    late = change("users", uid, {"first_name": "Back"}, at=hlc(+1000))
    assert stale_device.push_ok(late)[0]["status"] == "deleted"
    assert stale_device.push_ok(_delete("users", uid))[0]["status"] == "deleted"
    row = device.state()[("users", uid)]
    assert row["deleted"] is True and row["op"] == "delete"
    assert row["fields"] == {} and row["clocks"] == {}  # the content is erased, not hidden


def test_a_delete_of_an_unknown_row_still_blocks_it(device):
    aid = new_id()
    device.push_ok(_delete("skin_analysis_results", aid, at=hlc(-5000)))
    assert (
        device.push_ok(change("skin_analysis_results", aid, {"skin_score": 50}))[0]["status"]
        == "deleted"
    )


def test_erasing_a_user_erases_its_dependants(device):
    device.act_as_admin()  # erasing a user needs an administrator's proof
    uid, aid, cid, nid = new_id(), new_id(), new_id(), new_id()
    keep_uid, keep_aid = new_id(), new_id()
    device.push_ok(
        change("users", uid, {"email": "p@a.org"}),
        change("users", keep_uid, {"email": "q@a.org"}),
        *consented(uid, aid, skin_score=60),
        *consented(keep_uid, keep_aid, skin_score=70),
        change("consent_records", cid, {"user_id": uid, "granted": True}),
        change("clinician_notes", nid, {"patient_id": uid, "body": "dry cheeks"}),
    )
    device.push_ok(_delete("users", uid))
    state = device.state()
    for key in (("skin_analysis_results", aid), ("consent_records", cid), ("clinician_notes", nid)):
        assert state[key]["deleted"] is True and state[key]["fields"] == {}, key
    assert state[("skin_analysis_results", keep_aid)]["deleted"] is False


def test_an_analysis_for_an_erased_user_is_stored_as_a_tombstone(device, enroll, clinic):
    device.act_as_admin()  # erasing a user needs an administrator's proof
    offline = enroll(clinic)
    uid, aid = new_id(), new_id()
    device.push_ok(change("users", uid, {"email": "e@a.org"}))
    device.push_ok(_delete("users", uid))
    # Upper-case spelling of the same user id: still the same user.
    results = offline.push_ok(
        change("skin_analysis_results", aid, {"user_id": uid.upper(), "skin_score": 80})
    )
    assert results[0]["status"] == "deleted"
    row = device.state()[("skin_analysis_results", aid)]
    assert row["deleted"] is True and row["fields"] == {}
    later = change("skin_analysis_results", aid, {"user_id": None, "skin_score": 80})
    assert offline.push_ok(later)[0]["status"] == "deleted"


def test_erasure_and_dependants_in_one_batch(device):
    device.act_as_admin()  # erasing a user needs an administrator's proof
    uid, aid = new_id(), new_id()
    results = device.push_ok(
        change("users", uid, {"email": "x@a.org"}),
        _delete("users", uid),
        change("skin_analysis_results", aid, {"user_id": uid, "skin_score": 1}),
    )
    assert [r["status"] for r in results] == ["applied", "applied", "deleted"]


# Each entity's own columns (the server checks them against core.sync.schema).
APPEND_ONLY_ROWS = {
    "clinician_notes": ({"body": "first words", "author_id": None}, {"body": "rewritten"}),
    "consent_records": ({"text_version": "v1", "granted": True}, {"granted": False}),
    "audit_events": ({"action": "login", "target_id": None}, {"action": "logout"}),
    "images": ({"media_type": "image/jpeg", "size_bytes": 10}, {"size_bytes": 11}),
}


@pytest.mark.parametrize("entity", list(APPEND_ONLY_ROWS))
def test_append_only_entities_never_change(device, entity):
    row_id = new_id() if entity != "images" else "ab" * 32
    first, rewrite = APPEND_ONLY_ROWS[entity]
    assert device.push_ok(change(entity, row_id, first))[0]["status"] == "applied"
    edited = change(entity, row_id, rewrite, at=hlc(+1000))
    assert device.push_ok(edited)[0]["status"] == "immutable"
    assert device.push_ok(change(entity, row_id, first))[0]["status"] == "stale"
    assert device.state()[(entity, row_id)]["fields"] == first


def test_a_duplicate_email_is_rejected_for_that_change_only(device, enroll, clinic):
    device.act_as_admin()  # erasing a user needs an administrator's proof
    other = enroll(clinic)
    first, second, third = new_id(), new_id(), new_id()
    device.push_ok(change("users", first, {"email": "ada@clinic.org"}))
    results = other.push_ok(
        change("users", second, {"email": "ADA@clinic.org "}),
        change("users", third, {"email": "bob@clinic.org"}),
    )
    assert results[0] == {
        "entity": "users",
        "entity_id": second,
        "status": "rejected",
        "code": "email_taken",
        "message": "another account uses this email",
    }
    assert results[1]["status"] == "applied"
    state = device.state()
    assert ("users", second) not in state
    # Once the first account is erased, its email is free again.
    device.push_ok(_delete("users", first))
    assert (
        other.push_ok(change("users", second, {"email": "ada@clinic.org"}))[0]["status"]
        == "applied"
    )


def test_the_same_email_in_two_clinics_is_fine(device, enroll):
    elsewhere = enroll("Another " + new_id()[:6])
    device.push_ok(change("users", new_id(), {"email": "same@mail.org"}))
    assert (
        elsewhere.push_ok(change("users", new_id(), {"email": "same@mail.org"}))[0]["status"]
        == "applied"
    )


def test_changing_email_to_a_taken_one_keeps_the_row(device):
    a, b = new_id(), new_id()
    device.push_ok(
        change("users", a, {"email": "a@x.org"}), change("users", b, {"email": "b@x.org"})
    )
    results = device.push_ok(change("users", b, {"email": "a@x.org", "first_name": "B"}))
    assert results[0]["status"] == "rejected"
    assert device.state()[("users", b)]["fields"] == {"email": "b@x.org"}
