"""Pushes of one clinic racing each other and a puller: every row is seen, none twice out of order,
and the uniqueness rules hold under the race."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers.server import change, hlc, new_id

pytestmark = pytest.mark.postgres


def test_a_puller_racing_pushers_misses_nothing(device, enroll, clinic):
    pushers = [enroll(clinic) for _ in range(4)]
    puller = enroll(clinic)
    written: dict[str, int] = {}
    lock = threading.Lock()
    done = threading.Event()

    def push_many(pusher) -> None:
        for round_ in range(8):
            ids = [new_id() for _ in range(10)]
            pusher.push_ok(*[change("users", uid, {"first_name": f"r{round_}"}) for uid in ids])
            # Edit one of them again, so rows move to the end of the order while pulling runs.
            pusher.push_ok(change("users", ids[0], {"first_name": "edited"}, at=hlc(+1)))
            with lock:
                written.update(dict.fromkeys(ids, round_))

    seen: dict[str, str] = {}
    seqs: list[int] = []

    def pull_until_done() -> None:
        cursor = "0"
        while True:
            finished = done.is_set()
            page = puller.pull(cursor, limit=7).json()
            for row in page["changes"]:
                seen[row["entity_id"]] = row["fields"]["first_name"]
                seqs.append(row["server_seq"])
            cursor = page["next_cursor"]
            if finished and not page["has_more"]:
                return

    reader = threading.Thread(target=pull_until_done)
    reader.start()
    with ThreadPoolExecutor(len(pushers)) as pool:
        list(pool.map(push_many, pushers))
    done.set()
    reader.join(timeout=60)
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    final = {row["entity_id"]: row["fields"]["first_name"] for row in device.pull_all()}
    assert set(written) == set(final)
    assert seen == final  # the incremental view converged on the full one


def test_one_email_wins_a_race(device, enroll, clinic):
    devices = [device, *(enroll(clinic) for _ in range(5))]
    answers = []

    def claim(each) -> None:
        answers.append(each.push_ok(change("users", new_id(), {"email": "race@clinic.org"}))[0])

    with ThreadPoolExecutor(len(devices)) as pool:
        list(pool.map(claim, devices))
    statuses = sorted(answer["status"] for answer in answers)
    assert statuses == ["applied"] + ["rejected"] * 5
    live = [row for row in device.pull_all() if row["fields"].get("email") == "race@clinic.org"]
    assert len(live) == 1
