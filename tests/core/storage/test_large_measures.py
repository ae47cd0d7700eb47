"""A result with a large measures document is saved and read back on both engines. PostgreSQL
refuses an index entry over ~2.7 KB, so its history index leaves the measures out (migration
0011; tests/core/storage/test_visit_history.py checks the index); SQLite's covering index keeps
them. Going back to 0010 on PostgreSQL is refused, with nothing changed, once such a document is
stored."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.errors import DowngradeRefusedError
from core.storage import Database
from core.storage.migrate import head_revision, upgrade
from core.storage.repositories import analyses, patients_record, users
from tests.helpers.migrations import migrate_to

# Far over PostgreSQL's limit for one B-tree entry (2704 bytes) even compressed, as a detailed
# engine's may be: PostgreSQL compresses a large entry first, so the names and values vary.
_RNG = random.Random(9)
MEASURES = {f"m_{_RNG.getrandbits(64):016x}": _RNG.random() for _ in range(300)}


def test_a_large_measures_document_is_saved_and_read_back(db: Database) -> None:
    assert len(str(MEASURES)) > 10_000
    with db.write() as session:
        ada = users.create(session, email="ada@example.org", first_name="Ada", last_name="L")
        saved = analyses.add(
            session,
            analyses.from_metrics(
                user_id=ada.user_id,
                skin_score=71.0,
                engine_version="test-1",
                metrics=MEASURES,
                created_at=datetime(2026, 3, 1, tzinfo=UTC),
            ),
        ).analysis_id
        patient = ada.user_id
    with db.read() as session:
        (visit,) = patients_record.latest_visits(session, patient)
        (row,) = analyses.latest_for_user(session, patient)
    assert visit.analysis_id == saved and visit.metrics == MEASURES
    assert row.metrics == MEASURES


def _state(db: Database) -> tuple[str, set[str], int]:
    with db.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        indexes = conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = 'skin_analysis_results'")
        ).scalars()
        rows = conn.execute(text("SELECT count(*) FROM skin_analysis_results")).scalar_one()
    return str(version), set(indexes), int(rows)


@pytest.mark.postgres
def test_a_downgrade_the_measures_do_not_fit_is_refused_and_changes_nothing(
    postgres_url: str,
) -> None:
    db = Database(postgres_url)
    try:
        upgrade(db)
        with db.write() as session:
            ada = users.create(session, email="ada@example.org", first_name="Ada", last_name="L")
            analyses.add(
                session,
                analyses.from_metrics(
                    user_id=ada.user_id, skin_score=1.0, engine_version="t", metrics={"a": 1.0}
                ),
            )
        migrate_to(db, "0010", down=True)  # small measures: the old index takes them
        assert "ix_skin_analysis_results_user_history" in _state(db)[1]
        migrate_to(db, head_revision())
        with db.write() as session:
            analyses.add(
                session,
                analyses.from_metrics(
                    user_id=ada.user_id, skin_score=2.0, engine_version="t", metrics=MEASURES
                ),
            )
        before = _state(db)
        with pytest.raises(DowngradeRefusedError) as refused:
            migrate_to(db, "0010", down=True)
        assert refused.value.code == "downgrade_refused"
        assert (
            "schema 0010" in refused.value.message
            and "Nothing was changed" in refused.value.message
        )
        assert _state(db) == before and before[0] == head_revision() and before[2] == 2
        assert "ix_skin_analysis_results_user_history" not in before[1]
    finally:
        db.dispose()
