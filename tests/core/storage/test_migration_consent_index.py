"""Migration 0013 (the consent index holds only analyses with a consent) on real files, plain and
SQLCipher, up and down: every row is unchanged, an analysis without a consent writes no entry, and
the foreign key still finds the analyses of a deleted consent through the index."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from core.storage import Database, sqlite_url
from core.storage.migrate import head_revision
from core.storage.repositories import analyses, consents, users
from tests.helpers.migrations import migrate_to

INDEX = "ix_skin_analysis_results_consent_id"
START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=[False, True], ids=["plain", "sqlcipher"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    key = secrets.token_bytes(32) if request.param else None
    database = Database(sqlite_url(tmp_path / "consent.db"), key=key)
    migrate_to(database, "0012")
    yield database
    database.dispose()


def _fill(db: Database) -> uuid.UUID:
    """Two patients' analyses, some under a consent; the consent's id."""
    with db.write() as session:
        patients = [
            users.create(session, email=f"c{i}@example.org", first_name=f"C{i}", last_name="L")
            for i in range(2)
        ]
        consent = consents.record(
            session, user_id=patients[0].user_id, text_version="v1", granted=True
        )
        consent_id = consent.consent_id
    for day in range(6):
        with db.write() as session:
            analyses.add(
                session,
                analyses.from_metrics(
                    user_id=patients[day % 2].user_id,
                    skin_score=70.0,
                    engine_version="test-1",
                    metrics={"redness": day / 10},
                    created_at=START + timedelta(days=day),
                    consent_id=consent_id if day % 3 == 0 else None,
                ),
            )
    return consent_id


def _rows(db: Database) -> list[tuple[object, ...]]:
    with db.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(text("SELECT rowid, * FROM skin_analysis_results ORDER BY rowid"))
        ]


def _index(db: Database) -> tuple[str, int]:
    """The index's SQL and how many entries it holds."""
    with db.connect() as conn:
        sql = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": INDEX}
        ).scalar_one()
        entries = conn.execute(
            text(
                f"SELECT count(*) FROM skin_analysis_results INDEXED BY {INDEX} "
                "WHERE consent_id IS NOT NULL"
            )
        ).scalar_one()
        assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
    return str(sql), int(entries)


def test_upgrade_and_downgrade_keep_every_row(db: Database) -> None:
    _fill(db)
    before = _rows(db)
    full, entries = _index(db)
    assert "WHERE" not in full and entries == 2
    migrate_to(db, head_revision())
    assert _rows(db) == before
    partial, entries = _index(db)
    assert "WHERE consent_id IS NOT NULL" in partial and entries == 2
    migrate_to(db, "0012", down=True)
    assert _rows(db) == before
    assert _index(db) == (full, 2)


def test_an_analysis_without_consent_writes_no_entry(db: Database) -> None:
    migrate_to(db, head_revision())
    _fill(db)
    with db.connect() as conn:
        stat = conn.execute(
            text("SELECT count(*) FROM skin_analysis_results WHERE consent_id IS NULL")
        ).scalar_one()
        assert stat == 4
        conn.execute(text("ANALYZE"))
        entries = conn.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE idx = :n"), {"n": INDEX}
        ).scalar_one()
    assert str(entries).split()[0] == "2"  # the index holds the two linked analyses only


def test_deleting_a_consent_unlinks_its_analyses_through_the_index(db: Database) -> None:
    migrate_to(db, head_revision())
    consent_id = _fill(db)
    with db.connect() as conn:
        plan = " ".join(
            str(r[3])
            for r in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT rowid FROM skin_analysis_results WHERE consent_id = :c"
                ),
                {"c": consent_id.hex},
            )
        )
    assert f"USING COVERING INDEX {INDEX}" in plan or f"USING INDEX {INDEX}" in plan
    with db.connect(write=True) as conn:
        conn.execute(
            text("DELETE FROM consent_records WHERE consent_id = :c"), {"c": consent_id.hex}
        )
    with db.connect() as conn:
        linked = conn.execute(
            text("SELECT count(*) FROM skin_analysis_results WHERE consent_id IS NOT NULL")
        ).scalar_one()
        total = conn.execute(text("SELECT count(*) FROM skin_analysis_results")).scalar_one()
    assert (linked, total) == (0, 6)
    assert _index(db)[1] == 0


@pytest.mark.postgres
def test_postgres_up_and_down(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        migrate_to(db, "0012")
        _fill(db)
        migrate_to(db, head_revision())

        def definition() -> str:
            with db.connect() as conn:
                return str(
                    conn.execute(
                        text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": INDEX}
                    ).scalar_one()
                )

        assert "WHERE (consent_id IS NOT NULL)" in definition()
        migrate_to(db, "0012", down=True)
        assert "WHERE" not in definition()
    finally:
        db.dispose()
