"""A patient's visit history (``patients_record.visits`` / ``latest_visits``): newest first, limited,
"before" a given visit, one patient's only, and read from the covering index alone (migration
0008), so an encrypted database decrypts a few index pages instead of a table page per visit."""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.storage import Database
from core.storage.database import sqlite_url
from core.storage.migrate import upgrade
from core.storage.repositories import analyses, patients_record, users

BASE = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
INDEX = "ix_skin_analysis_results_user_history"
POSTGRES_INDEX = "ix_skin_analysis_results_user_visits"
TABLE = "skin_analysis_results"


def _patient(session: Session, email: str) -> uuid.UUID:
    return users.create(session, email=email, first_name="Ada", last_name="Lovelace").user_id


def _visit(session: Session, user_id: uuid.UUID, hours: int, score: float) -> uuid.UUID:
    row = analyses.from_metrics(
        user_id=user_id,
        skin_score=score,
        engine_version="test-1",
        metrics={"redness": score / 100},
        created_at=BASE + timedelta(hours=hours),
        result={"large": "x" * 5000},  # the engine output: never read for a history
    )
    return analyses.add(session, row).analysis_id


@pytest.fixture
def two_patients(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    hours = list(range(8))
    random.Random(3).shuffle(hours)  # stored out of time order
    with db.write() as session:
        ada, bob = _patient(session, "ada@example.org"), _patient(session, "bob@example.org")
        for hour in hours:
            _visit(session, ada, hour, 50.0 + hour)
        for hour in (100, 101):  # the other patient's visits are newer than all of Ada's
            _visit(session, bob, hour, 90.0)
    return ada, bob


def test_latest_visits_are_newest_first_limited_and_one_patients(
    db: Database, two_patients: tuple[uuid.UUID, uuid.UUID]
) -> None:
    ada, bob = two_patients
    with db.read() as session:
        newest = patients_record.latest_visits(session, ada, limit=3)
        every = patients_record.latest_visits(session, ada)
        theirs = patients_record.latest_visits(session, bob)
        nobody = patients_record.latest_visits(session, uuid.uuid4())
    assert [v.taken_at for v in newest] == [BASE + timedelta(hours=h) for h in (7, 6, 5)]
    assert [v.skin_score for v in every] == [57.0 - h for h in range(8)]
    assert every[0].metrics == {"redness": 0.57} and every[0].engine_version == "test-1"
    assert len(theirs) == 2 and all(v.skin_score == 90.0 for v in theirs)
    assert {v.analysis_id for v in every}.isdisjoint({v.analysis_id for v in theirs})
    assert nobody == []


def test_before_gives_the_visit_just_before_and_none_before_the_first(
    db: Database, two_patients: tuple[uuid.UUID, uuid.UUID]
) -> None:
    ada, _ = two_patients
    with db.read() as session:
        previous = patients_record.latest_visits(
            session, ada, limit=1, before=BASE + timedelta(hours=5)
        )
        same_time = patients_record.latest_visits(session, ada, before=BASE + timedelta(hours=3))
        first = patients_record.latest_visits(session, ada, limit=1, before=BASE)
    assert [v.taken_at for v in previous] == [BASE + timedelta(hours=4)]
    assert [v.taken_at for v in same_time] == [BASE + timedelta(hours=h) for h in (2, 1, 0)]
    assert first == []


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_refused(db: Database, limit: int) -> None:
    with db.read() as session, pytest.raises(ValidationError, match="at least 1"):
        patients_record.latest_visits(session, uuid.uuid4(), limit=limit)


@pytest.fixture
def encrypted_db(tmp_path: Path) -> Iterator[Database]:
    """The app's own configuration: a SQLCipher file."""
    database = Database(sqlite_url(tmp_path / "skinlab.db"), key=secrets.token_bytes(32))
    upgrade(database, backup_dir=tmp_path / "backups")
    try:
        yield database
    finally:
        database.dispose()


def test_histories_read_the_covering_index_alone(encrypted_db: Database) -> None:
    """No table page is read (SQLite says 'COVERING INDEX') and no sort is needed."""
    sent: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        sent.append((args[2], args[3]))  # statement, parameters

    who = uuid.uuid4()
    event.listen(encrypted_db.engine, "before_cursor_execute", capture)
    with encrypted_db.read() as session:
        patients_record.visits(session, who)
        patients_record.latest_visits(session, who, limit=5)
        patients_record.latest_visits(session, who, limit=1, before=BASE)
    event.remove(encrypted_db.engine, "before_cursor_execute", capture)
    queries = [(sql, params) for sql, params in sent if sql.startswith("SELECT")]
    assert len(queries) == 3
    with encrypted_db.connect() as conn:
        for sql, params in queries:
            plan = "; ".join(
                str(row[3]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            assert f"USING COVERING INDEX {INDEX}" in plan, plan
            assert "TEMP B-TREE" not in plan, plan


def test_the_history_index_replaces_the_two_column_one(db: Database) -> None:
    """Its leading columns are the old index's: keeping both would double every insert's work.
    SQLite's covers the measures too; PostgreSQL's leaves them out (migration 0011: an entry there
    is limited to ~2.7 KB)."""
    with db.connect() as conn:
        indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes(TABLE)}
    assert "ix_skin_analysis_results_user_created" not in indexes
    name = INDEX if db.is_sqlite else POSTGRES_INDEX
    assert (INDEX in indexes, POSTGRES_INDEX in indexes) == (db.is_sqlite, not db.is_sqlite)
    assert indexes[name][:3] == ["user_id", "created_at", "analysis_id"]
    assert ("metrics" in indexes[name]) is db.is_sqlite
