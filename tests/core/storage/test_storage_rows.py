"""Rows on both engines: keys, times, uniqueness, JSON, ordering, deletion and atomic writes."""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import ConflictError, SkinLabError
from core.storage import Database
from core.storage.models import (
    AuditEvent,
    ClinicianNote,
    ConsentRecord,
    SkinAnalysisResult,
    Tombstone,
    User,
)
from core.storage.repositories import analyses, audit, consents, notes, users


def _user(session: Session, email: str = "ada@example.org", **fields: Any) -> User:
    return users.create(session, email=email, first_name="Ada", last_name="Lovelace", **fields)


def _analysis(session: Session, user_id: uuid.UUID | None, **fields: Any) -> SkinAnalysisResult:
    row = analyses.from_metrics(
        user_id=user_id,
        skin_score=fields.pop("skin_score", 70.0),
        engine_version="test-1",
        metrics=fields.pop("metrics", {"hydration": 0.5}),
        **fields,
    )
    return analyses.add(session, row)


def _count(db: Database, model: type[Any]) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _tombstones(db: Database) -> set[tuple[str, str]]:
    with db.read() as session:
        return {(t.entity, t.entity_id) for t in session.scalars(select(Tombstone))}


def _assert_utc(moment: datetime) -> None:
    assert moment.tzinfo is not None
    assert moment.utcoffset() == timedelta(0)


def test_new_rows_get_uuid_keys_time_ordered_for_analyses(db: Database) -> None:
    with db.write() as session:
        first = _user(session, "one@example.org")
        second = _user(session, "two@example.org")
        row = _analysis(session, first.user_id)
    with db.write() as session:
        later = _analysis(session, second.user_id)
    assert all(isinstance(k, uuid.UUID) and k.version == 4 for k in (first.user_id, second.user_id))
    # Analyses: version 7, so a new entry goes at the end of the primary key index (core.ids).
    assert row.analysis_id.version == later.analysis_id.version == 7
    assert row.analysis_id.hex < later.analysis_id.hex or (
        row.analysis_id.int >> 80 == later.analysis_id.int >> 80
    )
    keys = [first.user_id, second.user_id, row.analysis_id]
    assert len(set(keys)) == 3
    with db.read() as session:
        assert session.get(User, first.user_id) is not None
        assert session.get(SkinAnalysisResult, row.analysis_id) is not None


def test_every_synced_row_reads_back_with_aware_utc_times(db: Database) -> None:
    before = datetime.now(UTC)
    with db.write() as session:
        user = _user(session)
        result = _analysis(session, user.user_id)
        note = notes.add(session, patient_id=user.user_id, author_id=None, body="Dry cheeks")
        consent = consents.record(session, user_id=user.user_id, text_version="v1", granted=True)
        event = audit.record(session, "test_event", target_id=user.user_id)
        keys = [
            (User, user.user_id),
            (SkinAnalysisResult, result.analysis_id),
            (ClinicianNote, note.note_id),
            (ConsentRecord, consent.consent_id),
        ]
    after = datetime.now(UTC)
    with db.read() as session:
        rows: list[Any] = [session.get(model, key) for model, key in keys]
        rows.append(session.scalar(select(AuditEvent).where(AuditEvent.event_id == event.event_id)))
        for row in rows:
            for moment in (row.created_at, row.updated_at):
                _assert_utc(moment)
                assert before - timedelta(seconds=1) <= moment <= after + timedelta(seconds=1)


def test_updated_at_moves_on_update_and_created_at_stays(db: Database) -> None:
    with db.write() as session:
        user_id = _user(session).user_id
    with db.read() as session:
        original = session.get(User, user_id)
        assert original is not None
        created, updated = original.created_at, original.updated_at
    time.sleep(0.01)
    with db.write() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.first_name = "Augusta"
    with db.read() as session:
        changed = session.get(User, user_id)
        assert changed is not None
        assert changed.created_at == created
        assert changed.updated_at > updated
        _assert_utc(changed.updated_at)


def test_aware_times_in_other_zones_are_stored_as_the_same_instant(db: Database) -> None:
    moment = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5)))
    with db.write() as session:
        user = _user(session)
        user.last_login = moment
        user_id = user.user_id
    with db.read() as session:
        stored = session.get(User, user_id)
        assert stored is not None and stored.last_login is not None
        assert stored.last_login == moment
        _assert_utc(stored.last_login)


def test_email_is_unique_regardless_of_case_and_spaces(db: Database) -> None:
    with db.write() as session:
        _user(session, "Ada.Lovelace@Example.ORG")
    with pytest.raises(ConflictError), db.write() as session:
        _user(session, "  ada.lovelace@example.org ")
    assert _count(db, User) == 1
    with db.read() as session:
        found = users.get_by_email(session, "ADA.LOVELACE@example.org")
        assert found is not None and found.email == "ada.lovelace@example.org"


def test_database_constraint_rejects_a_duplicate_email(db: Database) -> None:
    with db.write() as session:
        _user(session, "ada@example.org")
    # Bypass the repository's own check: the constraint in the schema must hold by itself.
    with pytest.raises(IntegrityError), Session(db.engine) as session:
        session.add(User(email="ada@example.org", first_name="Eve", last_name="Copy"))
        session.commit()
    assert _count(db, User) == 1


def test_two_concurrent_registrations_of_one_email_give_a_conflict(db: Database) -> None:
    """Both writers pass the "email free?" check before either commits; the loser must still get
    the typed ConflictError (not a generic storage failure) and only one account may exist."""
    first_flushed = threading.Event()
    errors: list[BaseException] = []

    def first_writer() -> None:
        try:
            with db.write() as session:
                _user(session, "race@example.org")
                first_flushed.set()
                time.sleep(0.4)
        except BaseException as exc:
            errors.append(exc)
            first_flushed.set()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert first_flushed.wait(10)
    try:
        with pytest.raises(ConflictError), db.write() as session:
            _user(session, "race@example.org")
    finally:
        thread.join(10)
    assert errors == []
    assert _count(db, User) == 1


def test_json_columns_round_trip_nested_values(db: Database) -> None:
    preferences = {
        "language": "de",
        "units": {"temperature": "C"},
        "reminders": [1, 2.5, "weekly", None, True],
        "note": "crème — 日本語",
    }
    conditions = [{"name": "acne", "severity": 0.25, "regions": ["forehead", "chin"]}]
    recommendations = ["SPF 50 daily", "gentle cleanser"]
    routine = {"morning": ["cleanse", "spf"], "evening": {"steps": 3, "retinoid": False}}
    region_metrics = {"forehead": {"redness": 0.125, "shine": 0.5}, "chin": {}}
    with db.write() as session:
        user = _user(session, preferences=preferences)
        result = _analysis(
            session,
            user.user_id,
            conditions=conditions,
            recommendations=recommendations,
            routine=routine,
            region_metrics=region_metrics,
        )
        user_id, analysis_id = user.user_id, result.analysis_id
    with db.read() as session:
        stored_user = session.get(User, user_id)
        stored = session.get(SkinAnalysisResult, analysis_id)
        assert stored_user is not None and stored is not None
        assert stored_user.preferences == preferences
        assert stored.conditions == conditions
        assert stored.recommendations == recommendations
        assert stored.routine == routine
        assert stored.region_metrics == region_metrics
        assert stored.metrics == {"hydration": 0.5}
        assert stored.hydration_level == 0.5


def test_latest_for_user_is_newest_first_and_limited(db: Database) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    offsets = list(range(8))
    random.Random(7).shuffle(offsets)
    with db.write() as session:
        patient = _user(session, "patient@example.org")
        other = _user(session, "other@example.org")
        for offset in offsets:
            _analysis(session, patient.user_id, created_at=base + timedelta(hours=offset))
        # The other patient's results are newer than all of the first patient's.
        for offset in (100, 101):
            _analysis(session, other.user_id, created_at=base + timedelta(hours=offset))
        patient_id = patient.user_id
    expected = [base + timedelta(hours=h) for h in sorted(offsets, reverse=True)]
    with db.read() as session:
        limited = analyses.latest_for_user(session, patient_id, limit=3)
        everything = analyses.latest_for_user(session, patient_id)
        assert [r.created_at for r in limited] == expected[:3]
        assert [r.created_at for r in everything] == expected
        assert {r.user_id for r in everything} == {patient_id}


def test_deleting_a_user_cascades_to_analyses_and_leaves_tombstones(db: Database) -> None:
    with db.write() as session:
        user = _user(session)
        keep = _user(session, "keep@example.org")
        ids = [_analysis(session, user.user_id).analysis_id for _ in range(3)]
        kept_analysis = _analysis(session, keep.user_id).analysis_id
        user_id = user.user_id
    with db.write() as session:
        doomed = session.get(User, user_id)
        assert doomed is not None
        session.delete(doomed)
    with db.read() as session:
        assert session.get(User, user_id) is None
        remaining = session.scalars(select(SkinAnalysisResult.analysis_id)).all()
    assert remaining == [kept_analysis]
    expected = {("users", str(user_id))} | {("skin_analysis_results", str(i)) for i in ids}
    assert _tombstones(db) == expected
    with db.read() as session:
        for tombstone in session.scalars(select(Tombstone)):
            _assert_utc(tombstone.deleted_at)


def test_erase_removes_notes_and_consents_and_tombstones_them(db: Database) -> None:
    with db.write() as session:
        patient = _user(session, "patient@example.org")
        clinician = _user(session, "doc@example.org", role="clinician")
        other = _user(session, "other@example.org")
        result_id = _analysis(session, patient.user_id).analysis_id
        note_ids = [
            notes.add(
                session, patient_id=patient.user_id, author_id=clinician.user_id, body=b
            ).note_id
            for b in ("Dry skin", "Better after two weeks")
        ]
        consent_ids = [
            consents.record(
                session, user_id=patient.user_id, text_version=v, granted=True
            ).consent_id
            for v in ("v1", "v2")
        ]
        # A note the erased person wrote about someone else stays, without its author.
        foreign_note = notes.add(
            session, patient_id=other.user_id, author_id=patient.user_id, body="Referred"
        ).note_id
        other_consent = consents.record(
            session, user_id=other.user_id, text_version="v1", granted=True
        ).consent_id
        patient_id = patient.user_id
    with db.write() as session:
        person = session.get(User, patient_id)
        assert person is not None
        users.erase(session, person)
    with db.read() as session:
        assert session.get(User, patient_id) is None
        assert notes.for_patient(session, patient_id) == []
        assert consents.for_user(session, patient_id) == []
        kept = session.get(ClinicianNote, foreign_note)
        assert kept is not None and kept.author_id is None
        assert session.get(ConsentRecord, other_consent) is not None
    expected = (
        {("users", str(patient_id)), ("skin_analysis_results", str(result_id))}
        | {("clinician_notes", str(n)) for n in note_ids}
        | {("consent_records", str(c)) for c in consent_ids}
    )
    assert _tombstones(db) == expected


def _row_counts(db: Database) -> dict[str, int]:
    """Rows per table, every table included (outbox and other bookkeeping too)."""
    with db.connect() as conn:
        return {
            table: int(conn.execute(select(func.count()).select_from(text(table))).scalar() or 0)
            for table in inspect(conn).get_table_names()
        }


def test_an_error_inside_a_write_leaves_nothing_behind(db: Database) -> None:
    class Boom(RuntimeError):
        pass

    with db.write() as session:
        _user(session, "existing@example.org")
    before = _row_counts(db)
    with pytest.raises(Boom), db.write() as session:
        user = _user(session)
        _analysis(session, user.user_id)
        audit.record(session, "user_created", target_id=user.user_id)
        session.flush()
        raise Boom("crash after the rows were sent to the database")
    assert _row_counts(db) == before


def test_a_database_error_midway_rolls_back_the_whole_transaction(db: Database) -> None:
    with db.write() as session:
        _user(session, "taken@example.org")
    before = _row_counts(db)
    with pytest.raises(SkinLabError), db.write() as session:
        fresh = _user(session, "fresh@example.org")
        _analysis(session, fresh.user_id)
        session.add(User(email="taken@example.org", first_name="Dup", last_name="Licate"))
        session.flush()
    with db.read() as session:
        assert users.get_by_email(session, "fresh@example.org") is None
    assert _row_counts(db) == before


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(SkinLabError), db.write() as session:
        _analysis(session, uuid.uuid4())
    assert _count(db, SkinAnalysisResult) == 0
