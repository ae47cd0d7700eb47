"""Migration 0010 (one patient's analyses stored together) on real files, plain and SQLCipher:
every row and link kept, each patient's rows renumbered into one block, oldest first; new rows of
any writer join their patient's block; PostgreSQL is left as it was."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.storage import Database, sqlite_url
from core.storage.migrate import head_revision, upgrade
from core.storage.models import ClinicianNote
from core.storage.repositories import analyses, patients_record, users
from core.storage.repositories.patients import search
from core.storage.repositories.patients_terms import PatientQuery
from tests.helpers.migrations import migrate_to

SLOT = 1 << 20
START = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
TRIGGER = "trg_skin_analysis_results_cluster"


def _analysis(session: Session, user_id: uuid.UUID | None, day: int) -> uuid.UUID:
    row = analyses.from_metrics(
        user_id=user_id,
        skin_score=50.0 + day,
        engine_version="test-1",
        metrics={"redness": day / 100},
        created_at=START + timedelta(days=day),
        result={"document": "x" * 1500},  # a few rows fill a page, as the engine's output does
    )
    return analyses.add(session, row).analysis_id


def _interleaved(db: Database, patients: int = 3, visits: int = 6) -> list[uuid.UUID]:
    """Patients visiting in turn (as a clinic fills its database), a guest among them, and a
    clinician's note on one analysis."""
    with db.write() as session:
        ids = [
            users.create(
                session, email=f"p{i}@example.org", first_name=f"Pat{i}", last_name="Lovelace"
            ).user_id
            for i in range(patients)
        ]
        staff = users.create(
            session, email="doc@example.org", first_name="Doc", last_name="Tor", role="clinician"
        ).user_id
        noted = None
        for day in range(visits):
            for n, patient in enumerate(ids):
                analysis = _analysis(session, patient, day * 10 + n)
                noted = noted or analysis
            if day == 2:
                _analysis(session, None, 999)
        session.add(ClinicianNote(patient_id=ids[0], author_id=staff, analysis_id=noted, body="ok"))
    return ids


def _rows(db: Database) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT * FROM skin_analysis_results ORDER BY analysis_id")
            ).all()
        ]


def _rowids(db: Database, user_id: uuid.UUID) -> list[int]:
    """The patient's rowids in visit order."""
    with db.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT rowid FROM skin_analysis_results WHERE user_id = :u ORDER BY created_at"
                ),
                {"u": user_id.hex},
            ).scalars()
        )


def _together(rowids: list[int]) -> bool:
    return rowids == list(range(rowids[0], rowids[0] + len(rowids)))


def _links(db: Database) -> tuple[Any, ...]:
    with db.connect() as conn:
        notes = conn.execute(text("SELECT analysis_id FROM clinician_notes")).scalars().all()
        visits = conn.execute(text("SELECT * FROM patient_visits ORDER BY user_id")).all()
        return tuple(notes), tuple(tuple(v) for v in visits)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "sqlcipher"])
def test_upgrade_stores_each_patients_rows_together_and_keeps_everything(
    tmp_path: Path, encrypted: bool
) -> None:
    db = Database(
        sqlite_url(tmp_path / "skinlab.db"), key=secrets.token_bytes(32) if encrypted else None
    )
    try:
        migrate_to(db, "0009")
        patients = _interleaved(db)
        assert not _together(_rowids(db, patients[0]))  # stored in the order they came
        rows, links = _rows(db), _links(db)
        with db.read() as session:
            history = [patients_record.visits(session, p) for p in patients]
        upgrade(db, backup_dir=tmp_path / "backups")

        assert _rows(db) == rows and _links(db) == links and links[0][0] is not None
        with db.read() as session:
            assert [patients_record.visits(session, p) for p in patients] == history
            found, _ = search(session, PatientQuery(text="pat1 lovelace"), now=START)
        assert [r.user_id for r in found] == [patients[1]]
        blocks = [_rowids(db, p) for p in patients]
        assert all(_together(b) and len(b) == 6 for b in blocks)
        assert len({b[0] // SLOT for b in blocks}) == len(patients)  # a block each
        with db.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        db.dispose()


def test_new_rows_join_their_patients_block_whoever_writes_them(sqlite_db: Database) -> None:
    patients = _interleaved(sqlite_db, patients=4, visits=5)
    blocks = [_rowids(sqlite_db, p) for p in patients]
    assert all(_together(b) and len(b) == 5 for b in blocks)
    assert [b[0] % SLOT for b in blocks] == [1, 1, 1, 1]
    with sqlite_db.connect(write=True) as conn:  # not through the ORM: a raw writer too
        conn.execute(
            text(
                "INSERT INTO skin_analysis_results (analysis_id, user_id, skin_score, conditions, "
                "recommendations, routine, metrics, region_metrics, result, engine_version, hlc, "
                "field_clocks, created_at, updated_at) VALUES (:a, :u, 1, '[]', '[]', '{}', '{}', "
                "'{}', '{}', '1', '', '{}', '2027-01-01 00:00:00.000000', "
                "'2027-01-01 00:00:00.000000')"
            ),
            {"a": uuid.uuid4().hex, "u": patients[0].hex},
        )
    assert _together(_rowids(sqlite_db, patients[0])) and len(_rowids(sqlite_db, patients[0])) == 6


def test_a_row_that_cannot_join_its_block_is_still_saved(sqlite_db: Database) -> None:
    (patient,) = _interleaved(sqlite_db, patients=1, visits=2)
    last = _rowids(sqlite_db, patient)[-1]
    with sqlite_db.connect(write=True) as conn:  # the block is full: its next id starts a slot
        conn.execute(
            text("UPDATE skin_analysis_results SET rowid = :end WHERE rowid = :last"),
            {"end": (last // SLOT + 1) * SLOT - 1, "last": last},
        )
    with sqlite_db.write() as session:
        added = _analysis(session, patient, 50)
    with sqlite_db.read() as session:
        visits = patients_record.visits(session, patient)
    assert [v.analysis_id for v in visits][-1] == added and len(visits) == 3


def test_downgrade_removes_the_trigger_and_keeps_the_rows(sqlite_db: Database) -> None:
    _interleaved(sqlite_db, patients=2, visits=2)
    rows = _rows(sqlite_db)
    migrate_to(sqlite_db, "0009", down=True)
    with sqlite_db.connect() as conn:
        triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        assert TRIGGER not in set(triggers.scalars())
    assert _rows(sqlite_db) == rows
    migrate_to(sqlite_db, head_revision())
    assert _rows(sqlite_db) == rows


@pytest.mark.postgres
def test_postgres_is_left_as_it_was(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        migrate_to(db, "0009")
        patients = _interleaved(db, patients=2, visits=3)
        rows = _rows(db)
        migrate_to(db, head_revision())
        assert _rows(db) == rows
        with db.read() as session:
            assert len(patients_record.visits(session, patients[0])) == 3
    finally:
        db.dispose()
