"""Devices' audit rows reach the server, which checks each device's chain as they arrive: an edited,
re-linked or forked event is refused (and the refusal audited); a gap is accepted and reported by
``skinlab server audit-verify`` until it fills."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from core.audit.chain import GENESIS, compute_hash
from server.cli_support import verify_clinic_audit
from tests.helpers.server import change

pytestmark = pytest.mark.postgres
NODE = "ab12cd34ef56ab78"


def _chain(length: int, *, node: str = NODE) -> list[dict]:
    """``length`` events of one device, each sealed with the hash of the one before."""
    events, previous = [], GENESIS
    for seq in range(1, length + 1):
        moment = datetime.now(UTC).isoformat()
        event = {
            "event_id": str(uuid.uuid4()),
            "occurred_at": moment,
            "actor_id": None,
            "action": "login",
            "target_type": "user",
            "target_id": str(uuid.uuid4()),
            "details": {"n": seq},
            "created_at": moment,
            "updated_at": moment,
            "device_id": node,
            "chain_seq": seq,
            "prev_hash": previous,
        }
        event["row_hash"] = compute_hash(event)
        previous = event["row_hash"]
        events.append(event)
    return events


def _push(device, *events: dict) -> list[dict]:
    changes = [
        change("audit_events", e["event_id"], {k: v for k, v in e.items() if k != "event_id"})
        for e in events
    ]
    return device.push_ok(*changes)


def test_an_intact_chain_is_accepted_in_any_order(device, server, clinic):
    events = _chain(4)
    results = _push(device, events[2], events[0], events[3], events[1])
    assert {r["status"] for r in results} == {"applied"}
    report = verify_clinic_audit(server.database_url, clinic)
    assert report.ok and report.events == {NODE: 4}


def test_an_edited_event_is_refused(device):
    first, second = _chain(2)
    second["details"] = {"n": 999}  # changed after it was sealed
    results = _push(device, first, second)
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "audit_event_altered")


def test_an_event_that_does_not_follow_its_chain_is_refused(device):
    first, second = _chain(2)
    other = _chain(2)[1]  # sealed on top of a different first event
    assert _push(device, first)[0]["status"] == "applied"
    assert _push(device, other)[0]["code"] == "audit_chain_broken"
    assert _push(device, second)[0]["status"] == "applied"


def test_a_second_event_in_the_same_place_is_refused(device):
    events = _chain(2)
    _push(device, *events)
    rival = _chain(1)[0]  # another event #1 of the same device
    assert _push(device, rival)[0]["code"] == "audit_chain_forked"


def test_an_event_claiming_the_servers_chain_is_refused(device, server):
    node = uuid.UUID(device.server_id).hex
    (forged,) = _chain(1, node=node)
    assert _push(device, forged)[0]["code"] == "audit_chain_forked"


def test_a_gap_is_reported_until_it_fills(device, server, clinic):
    events = _chain(3)
    _push(device, events[0], events[2])
    report = verify_clinic_audit(server.database_url, clinic)
    assert [p.kind for p in report.problems] == ["missing"]
    _push(device, events[1])
    assert verify_clinic_audit(server.database_url, clinic).ok
