"""A result with a large measures document is saved and read back on both engines. PostgreSQL
refuses an index entry over ~2.7 KB, so its history index leaves the measures out (migration
0011; tests/core/storage/test_visit_history.py checks the index); SQLite's covering index keeps
them."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from core.storage import Database
from core.storage.repositories import analyses, patients_record, users

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
