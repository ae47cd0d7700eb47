"""Migration 0008 (covering index for visit histories) on a database with patients' visits, on both
engines: every row kept, the history reads the same before and after, and the downgrade gives the
old two-column index back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect

from core.storage import Database
from core.storage.repositories import analyses, patients_record, users
from tests.helpers.migrations import migrate_to

OLD, NEW = "ix_skin_analysis_results_user_created", "ix_skin_analysis_results_user_history"


def _indexes(db: Database) -> set[str]:
    with db.connect() as conn:
        return {str(i["name"]) for i in inspect(conn).get_indexes("skin_analysis_results")}


def test_upgrade_and_downgrade_keep_every_visit(database_url: str) -> None:
    db = Database(database_url)
    try:
        migrate_to(db, "0007")
        assert OLD in _indexes(db) and NEW not in _indexes(db)
        start = datetime(2026, 3, 1, tzinfo=UTC)
        with db.write() as session:
            ada = users.create(session, email="ada@example.org", first_name="Ada", last_name="L")
            for day in range(5):
                analyses.add(
                    session,
                    analyses.from_metrics(
                        user_id=ada.user_id,
                        skin_score=60.0 + day,
                        engine_version="test-1",
                        metrics={"redness": day / 10},
                        created_at=start + timedelta(days=day),
                    ),
                )
            patient: uuid.UUID = ada.user_id
        with db.read() as session:
            before = patients_record.visits(session, patient)
        migrate_to(db, "0008")
        assert NEW in _indexes(db) and OLD not in _indexes(db)
        with db.read() as session:
            assert patients_record.visits(session, patient) == before
            assert len(before) == 5
        migrate_to(db, "0007", down=True)
        assert OLD in _indexes(db) and NEW not in _indexes(db)
        with db.read() as session:
            assert patients_record.visits(session, patient) == before
    finally:
        db.dispose()
