"""Outbox -> batches -> another device's merge, without a server: the rules themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.storage import Database, sqlite_url, upgrade
from core.storage.models import (
    ClinicianNote,
    ImageBlob,
    SkinAnalysisResult,
    SyncBatch,
    SyncOutbox,
    Tombstone,
    User,
)
from core.storage.repositories import analyses, consents, notes, users
from core.sync import state
from core.sync.apply import apply_pulled
from core.sync.batches import capture_batch, pending_batches, pending_count
from core.sync.codec import wire_fields
from core.sync.protocol import PulledChange


@pytest.fixture
def device(tmp_path: Path):
    made = []

    def make(name: str) -> Database:
        db = Database(sqlite_url(tmp_path / f"{name}.db"))
        upgrade(db)
        made.append(db)
        return db

    yield make
    for db in made:
        db.dispose()


def drain(db: Database) -> list[dict]:
    changes = []
    while (batch := capture_batch(db, limit=50)) is not None:
        changes.extend(batch.payload["changes"])
    with db.write() as session:  # as if the server had acknowledged them
        for batch in session.scalars(select(SyncBatch)):
            session.delete(batch)
    return changes


def deliver(changes: list[dict], to: Database, *, start_seq: int = 1) -> None:
    pulled = [
        PulledChange(**c, server_seq=start_seq + i, deleted=c["op"] == "delete")
        for i, c in enumerate(changes)
    ]
    apply_pulled(to, pulled, cursor=str(start_seq + len(pulled)), clock=to.clock)


def snapshot(db: Database) -> dict:
    with db.read() as session:
        rows = {}
        for model in (User, SkinAnalysisResult, ClinicianNote):
            for obj in session.scalars(select(model)):
                rows[
                    (model.__tablename__, str(obj.__mapper__.primary_key_from_instance(obj)[0]))
                ] = (wire_fields(obj), obj.field_clocks)
        stones = {(t.entity, t.entity_id) for t in session.scalars(select(Tombstone))}
    return {"rows": rows, "tombstones": stones}


def seed_patient(db: Database) -> str:
    """A patient, a consent to sync, an analysis taken under it and a note: four rows."""
    with db.write() as session:
        patient = users.create(session, email="pat@clinic.org", first_name="Pat", last_name="Doe")
        consent = consents.record(
            session, user_id=patient.user_id, text_version="v1", granted=True, allow_sync=True
        )
        analyses.add(
            session,
            analyses.from_metrics(
                user_id=patient.user_id,
                skin_score=71.0,
                engine_version="t",
                metrics={"hydration": 50.0},
                consent_id=consent.consent_id,
            ),
        )
        notes.add(
            session, patient_id=patient.user_id, author_id=None, body="Mild redness on cheeks"
        )
        return str(patient.user_id)


def test_capture_collapses_repeated_edits_and_stores_the_key(device):
    db = device("a")
    seed_patient(db)
    with db.write() as session:
        for age in (30, 31, 32):
            session.scalar(select(User)).age = age
            session.flush()
    assert pending_count(db) == 4  # four rows changed, however often
    batch = capture_batch(db, limit=3)
    assert batch is not None and len(batch.payload["changes"]) == 3
    assert [b.batch_key for b in pending_batches(db)] == [batch.batch_key]
    with db.read() as session:
        assert session.scalar(select(SyncOutbox.entity)) == "clinician_notes"  # the rest waits
    user_change = next(c for c in batch.payload["changes"] if c["entity"] == "users")
    assert user_change["fields"]["age"] == 32


def test_a_second_device_receives_identical_rows(device):
    a, b = device("a"), device("b")
    seed_patient(a)
    deliver(list(reversed(drain(a))), b)  # children before parents: still applies
    assert snapshot(a) == snapshot(b)
    with b.read() as session:
        assert session.scalar(select(SyncOutbox)) is None  # nothing echoes back
        assert state.get(session, state.CURSOR) == "5"


def test_concurrent_edits_of_different_fields_both_survive(device):
    a, b = device("a"), device("b")
    seed_patient(a)
    deliver(drain(a), b)
    with a.write() as session:
        session.scalar(select(User)).first_name = "Patricia"
    with b.write() as session:
        session.scalar(select(User)).age = 44
    from_a, from_b = drain(a), drain(b)
    deliver(from_b, a, start_seq=10)
    deliver(from_a, b, start_seq=20)
    assert snapshot(a) == snapshot(b)
    with a.read() as session:
        user = session.scalar(select(User))
        assert (user.first_name, user.age) == ("Patricia", 44)


def test_an_erasure_wins_over_an_offline_edit(device):
    a, b = device("a"), device("b")
    seed_patient(a)
    deliver(drain(a), b)
    with a.write() as session:
        users.erase(session, session.scalar(select(User)))
    with b.write() as session:
        session.scalar(select(User)).first_name = "Edited offline"
        session.scalar(select(SkinAnalysisResult)).skin_score = 12.0
    from_a, from_b = drain(a), drain(b)
    deliver(from_b, a, start_seq=10)  # the stale edits arrive after the erasure: ignored
    deliver(from_a, b, start_seq=20)
    for db in (a, b):
        with db.read() as session:
            assert session.scalar(select(User)) is None
            assert session.scalar(select(SkinAnalysisResult)) is None
            assert session.scalar(select(ClinicianNote)) is None
    assert snapshot(a) == snapshot(b)
    assert {e for e, _ in snapshot(a)["tombstones"]} == {
        "users",
        "consent_records",
        "skin_analysis_results",
        "clinician_notes",
    }


def test_a_pulled_user_whose_email_is_taken_locally_is_kept_aside(device):
    a, b = device("a"), device("b")
    seed_patient(a)
    with b.write() as session:
        users.create(session, email="pat@clinic.org", first_name="Other", last_name="Person")
    deliver([c for c in drain(a) if c["entity"] == "users"], b)
    with b.read() as session:
        assert [u.first_name for u in session.scalars(select(User))] == ["Other"]
    assert b is not None


def test_a_bad_or_orphan_change_is_set_aside_and_the_rest_still_arrives(device):
    from core.storage.models import SyncConflict

    a, b = device("a"), device("b")
    seed_patient(a)
    changes = drain(a)
    user = next(c for c in changes if c["entity"] == "users")
    others = [c for c in changes if c["entity"] != "users"]
    broken = {
        **user,
        "entity_id": "6f0c1d2e-0000-4000-8000-000000000001",
        "fields": {**user["fields"], "email": "x@clinic.org", "shoe_size": 44},
        "clocks": {**user["clocks"], "shoe_size": user["hlc"]},
    }
    deliver([broken, *others], b)  # the patient's own row is missing: children must wait
    with b.read() as session:
        assert session.scalar(select(User)) is None
        assert session.scalar(select(SkinAnalysisResult)) is None
        codes = sorted(c.code for c in session.scalars(select(SyncConflict)))
    assert (
        codes.count("invalid_change") == 1 and codes.count("parked") == 3
    )  # consent, analysis, note
    deliver([user], b, start_seq=50)  # the parent arrives later: the parked children follow
    with b.read() as session:
        assert session.scalar(select(SkinAnalysisResult)) is not None
        assert session.scalar(select(ClinicianNote)) is not None
        assert [c.code for c in session.scalars(select(SyncConflict))] == ["invalid_change"]


def _capture(db: Database, *, allow_sync: bool, withdraw: bool = False) -> list[dict]:
    with db.write() as session:
        patient = users.create(session, email="c@clinic.org", first_name="C", last_name="D")
        consent = consents.record(
            session, user_id=patient.user_id, text_version="v1", granted=True, allow_sync=allow_sync
        )
        session.add(ImageBlob(sha256="ab" * 32, media_type="image/jpeg", size_bytes=3))
        session.flush()
        analyses.add(
            session,
            analyses.from_metrics(
                user_id=patient.user_id,
                skin_score=60.0,
                engine_version="t",
                metrics={},
                consent_id=consent.consent_id,
                image_sha256="ab" * 32,
            ),
        )
    if withdraw:
        with db.write() as session:
            consents.record(
                session, user_id=patient.user_id, text_version="v2", granted=True, allow_sync=False
            )
    return drain(db)


def test_an_analysis_and_photo_without_consent_to_sync_never_leave(device):
    changes = _capture(device("a"), allow_sync=False)
    assert {c["entity"] for c in changes} == {"users", "consent_records"}


def test_with_consent_the_analysis_goes_with_its_photo_row(device):
    changes = _capture(device("a"), allow_sync=True)
    entities = [c["entity"] for c in changes]
    assert {"images", "skin_analysis_results"} <= set(entities)
    assert entities.index("images") < entities.index("skin_analysis_results")


def test_a_withdrawn_consent_stops_what_was_not_sent_yet(device):
    changes = _capture(device("a"), allow_sync=True, withdraw=True)
    assert not {"images", "skin_analysis_results"} & {c["entity"] for c in changes}
