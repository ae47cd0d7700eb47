"""Pull: the clinic's rows after a cursor, in pages, in one stable order; a cursor from a server
that no longer exists (restored from a backup) is refused."""

from __future__ import annotations

import pytest

from tests.helpers.server import change, hlc, new_id

pytestmark = pytest.mark.postgres


def _pages(device, limit: int, cursor: str = "0") -> list[dict]:
    pages = []
    while True:
        response = device.pull(cursor, limit=limit)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return pages


def test_an_empty_clinic(device):
    body = device.pull().json()
    assert body == {"changes": [], "next_cursor": "0", "has_more": False, "device_role": "admin"}


def test_paging_in_a_stable_order(device):
    ids = [new_id() for _ in range(25)]
    device.push_ok(*[change("users", uid, {"email": f"{i}@a.org"}) for i, uid in enumerate(ids)])
    pages = _pages(device, limit=10)
    assert [len(p["changes"]) for p in pages] == [10, 10, 5]
    assert [p["has_more"] for p in pages] == [True, True, False]
    pulled = [c for p in pages for c in p["changes"]]
    seqs = [c["server_seq"] for c in pulled]
    assert seqs == sorted(seqs) and len(set(seqs)) == 25
    assert [c["entity_id"] for c in pulled] == ids  # one batch: the order it was sent in
    assert pages[0]["next_cursor"] == str(seqs[9])
    # The same cursor gives the same page again.
    assert device.pull(pages[0]["next_cursor"], limit=10).json() == pages[1]
    # Nothing after the end.
    assert device.pull(pages[-1]["next_cursor"]).json()["changes"] == []


def test_a_changed_row_comes_again_after_the_cursor(device):
    uid, other = new_id(), new_id()
    device.push_ok(
        change("users", uid, {"first_name": "A"}), change("users", other, {"first_name": "B"})
    )
    cursor = device.pull().json()["next_cursor"]
    device.push_ok(change("users", uid, {"first_name": "A2"}, at=hlc(+1)))
    page = device.pull(cursor).json()
    assert [(c["entity_id"], c["fields"]["first_name"]) for c in page["changes"]] == [(uid, "A2")]
    # From the start the row appears once, at its new place.
    assert [c["entity_id"] for c in device.pull_all()] == [other, uid]


def test_tombstones_are_pulled_as_deletes(device):
    device.act_as_admin()  # erasing a user needs an administrator's proof
    uid = new_id()
    device.push_ok(change("users", uid, {"email": "t@a.org"}))
    device.push_ok(change("users", uid, op="delete"))
    (row,) = [c for c in device.pull_all() if c["entity_id"] == uid]
    assert row["op"] == "delete" and row["deleted"] is True and row["fields"] == {}


def test_rows_of_another_clinic_never_appear(device, enroll):
    other = enroll("Far away " + new_id()[:6])
    other.push_ok(change("users", new_id(), {"email": "far@a.org"}))
    mine = new_id()
    device.push_ok(change("users", mine, {"email": "near@a.org"}))
    assert [c["entity_id"] for c in device.pull_all()] == [mine]


def test_a_cursor_from_the_future_is_refused(device):
    device.push_ok(change("users", new_id(), {"email": "f@a.org"}))
    newest = int(device.pull().json()["next_cursor"])
    response = device.pull(str(newest + 1))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cursor_from_future"
    assert "cursor 0" in response.json()["error"]["message"]
    assert device.pull(str(2**63 + 5)).status_code == 400


@pytest.mark.parametrize(
    ("cursor", "limit"), [("-1", 10), ("abc", 10), ("", 10), ("0", 0), ("0", 1001)]
)
def test_bad_cursor_or_limit(device, cursor, limit):
    response = device.pull(cursor, limit=limit)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
