"""The audit hash chain on real databases: intact logs pass; an edited, a deleted, a reordered or a
cut-off row is caught, and says where."""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import select, text

from core.audit.chain import GENESIS, compute_hash, verify_rows
from core.storage import Database
from core.storage.models import AuditEvent
from core.storage.repositories import audit
from core.storage.repositories.audit import verify_database


def _write_events(db: Database, count: int) -> list[uuid.UUID]:
    ids = []
    for i in range(count):
        with db.write() as session:
            event = audit.record(
                session,
                "patient_viewed",
                target_type="user",
                target_id=uuid.uuid4(),
                details={"view": "history", "n": i},
            )
            ids.append(event.event_id)
    return ids


def _key(db: Database, event_id: uuid.UUID) -> object:
    return event_id.hex if db.is_sqlite else event_id


def test_events_are_numbered_and_linked_per_device(db: Database) -> None:
    _write_events(db, 3)
    with db.write() as session:  # two in one unit of work follow each other too
        audit.record(session, "login")
        audit.record(session, "role_changed", details={"from": "patient", "to": "clinician"})
    with db.read() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq)).all()
    assert [r.chain_seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    assert len({r.device_id for r in rows}) == 1 and rows[0].device_id == db.clock.node
    report = verify_database(db)
    assert report.ok and report.events == {db.clock.node: 5}


def test_an_edited_row_is_caught(db: Database) -> None:
    ids = _write_events(db, 4)
    with db.connect(write=True) as conn:
        conn.execute(
            text("UPDATE audit_events SET action = 'login' WHERE event_id = :id"),
            {"id": _key(db, ids[1])},
        )
    report = verify_database(db)
    assert not report.ok
    assert [(p.chain_seq, p.kind) for p in report.problems] == [(2, "edited")]


def test_a_deleted_row_is_caught(db: Database) -> None:
    ids = _write_events(db, 4)
    with db.connect(write=True) as conn:
        conn.execute(
            text("DELETE FROM audit_events WHERE event_id = :id"), {"id": _key(db, ids[2])}
        )
    report = verify_database(db)
    assert [(p.chain_seq, p.kind) for p in report.problems] == [(3, "missing")]


def test_reordered_rows_are_caught(db: Database) -> None:
    """Swapping two events' places (their sequence numbers) breaks both hashes and the links."""
    ids = _write_events(db, 4)
    with db.connect(write=True) as conn:
        for event, seq in ((ids[1], -1), (ids[2], 2), (ids[1], 3)):
            conn.execute(
                text("UPDATE audit_events SET chain_seq = :seq WHERE event_id = :id"),
                {"seq": seq, "id": _key(db, event)},
            )
    report = verify_database(db)
    kinds = {(p.chain_seq, p.kind) for p in report.problems}
    assert {(2, "edited"), (3, "edited"), (2, "broken_link")} <= kinds


def test_rows_cut_from_the_end_are_caught_against_the_recorded_head(db: Database) -> None:
    ids = _write_events(db, 4)
    with db.connect(write=True) as conn:
        conn.execute(
            text("DELETE FROM audit_events WHERE event_id = :id"), {"id": _key(db, ids[3])}
        )
    report = verify_database(db)
    assert [(p.chain_seq, p.kind) for p in report.problems] == [(4, "truncated")]
    # The next event continues after the deleted one, so the hole stays visible.
    _write_events(db, 1)
    assert [(p.chain_seq, p.kind) for p in verify_database(db).problems] == [(4, "missing")]


def test_a_forged_row_with_a_recomputed_hash_still_breaks_the_next_link(db: Database) -> None:
    ids = _write_events(db, 3)
    with db.read() as session:
        row = session.get(AuditEvent, ids[0])
        assert row is not None
        forged = {
            n: getattr(row, n)
            for n in (
                "device_id",
                "chain_seq",
                "prev_hash",
                "event_id",
                "occurred_at",
                "actor_id",
                "target_type",
                "target_id",
                "details",
            )
        }
    forged["action"] = "nothing_happened"
    with db.connect(write=True) as conn:
        conn.execute(
            text("UPDATE audit_events SET action = :a, row_hash = :h WHERE event_id = :id"),
            {"a": "nothing_happened", "h": compute_hash(forged), "id": _key(db, ids[0])},
        )
    assert [(p.chain_seq, p.kind) for p in verify_database(db).problems] == [(2, "broken_link")]


def test_rows_synced_from_another_device_form_their_own_chain() -> None:
    """The server's view: pushed rows as plain field mappings, two devices interleaved."""
    rows: list[dict[str, object]] = []
    for device in ("aaaa", "bbbb"):
        previous = GENESIS
        for seq in (1, 2):
            row: dict[str, object] = {
                "device_id": device,
                "chain_seq": seq,
                "prev_hash": previous,
                "event_id": str(uuid.uuid4()),
                "occurred_at": "2026-11-30T10:00:00+00:00",
                "actor_id": None,
                "action": "login",
                "target_type": None,
                "target_id": None,
                "details": {},
            }
            row["row_hash"] = previous = compute_hash(row)
            rows.append(row)
    report = verify_rows(rows)
    assert report.ok and report.events == {"aaaa": 2, "bbbb": 2}
    rows[3]["details"] = {"forged": True}
    assert [(p.device_id, p.kind) for p in verify_rows(rows).problems] == [("bbbb", "edited")]


@pytest.mark.parametrize("bad", ["not a time", None])
def test_a_row_with_an_unreadable_field_is_reported_not_raised(bad: object) -> None:
    row = {
        "device_id": "aa",
        "chain_seq": 1,
        "prev_hash": GENESIS,
        "event_id": str(uuid.uuid4()),
        "occurred_at": bad,
        "action": "login",
        "details": {},
        "row_hash": "0" * 64,
    }
    assert [(p.chain_seq, p.kind) for p in verify_rows([row]).problems] == [(1, "edited")]


def test_events_recorded_as_a_batch_continue_the_chain_and_move_its_head_once(
    db: Database,
) -> None:
    _write_events(db, 2)
    with db.write() as session:
        batch = audit.record_many(
            session,
            [audit.Event("analysis_imported", details={"n": n}) for n in range(3)],
            flush=False,
        )
        assert all(e in session.new for e in batch)  # pending until the caller's own flush
    _write_events(db, 1)  # one by one again after the batch
    with db.read() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq)).all()
        head = audit.recorded_head(session)
    assert [r.chain_seq for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.details.get("n") for r in rows[2:5]] == [0, 1, 2]  # in the order given
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    assert head == (db.clock.node, 6, rows[-1].row_hash)
    report = verify_database(db)
    assert report.ok and report.events == {db.clock.node: 6}
    with db.write() as session:
        assert audit.record_many(session, []) == []
