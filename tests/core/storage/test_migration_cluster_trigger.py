"""Migration 0012 (the clustering trigger finds its place in two seeks) on real files, plain and
SQLCipher: every row lands on the very rowid 0010's trigger gave it, in every case that trigger
handles (patients in turn, a first analysis, guests, an older analysis arriving late, a full
block); the downgrade puts 0010's trigger back."""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from core.storage import Database, sqlite_url
from core.storage.migrate import head_revision
from core.storage.repositories import analyses, users
from tests.helpers.migrations import migrate_to

SLOT = 1 << 20
START = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
TRIGGER = "trg_skin_analysis_results_cluster"


def _add(db: Database, user_id: uuid.UUID | None, day: int, analysis_id: uuid.UUID) -> None:
    with db.write() as session:
        analyses.add(
            session,
            analyses.from_metrics(
                analysis_id=analysis_id,
                user_id=user_id,
                skin_score=50.0,
                engine_version="test-1",
                metrics={"redness": day / 100},
                created_at=START + timedelta(days=day),
                result={"document": "x" * 1500},
            ),
        )


def _fill_a_block(db: Database, user_id: uuid.UUID) -> None:
    """Move the patient's newest row to the last id of their block: the next one cannot follow."""
    with db.connect(write=True) as conn:
        last = conn.execute(
            text("SELECT max(rowid) FROM skin_analysis_results WHERE user_id = :u"),
            {"u": user_id.hex},
        ).scalar_one()
        conn.execute(
            text("UPDATE skin_analysis_results SET rowid = :end WHERE rowid = :last"),
            {"end": (last // SLOT + 1) * SLOT - 1, "last": last},
        )


def _story(db: Database) -> dict[str, int]:
    """The same writes in the same order on any schema; every analysis's rowid afterwards."""
    rng = random.Random(5)
    ids = iter(uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(200))
    with db.write() as session:
        patients = [
            users.create(session, email=f"p{i}@example.org", first_name=f"P{i}", last_name="L")
            for i in range(4)
        ]
        order = [p.user_id for p in patients]  # random ids: named by creation order below
    for day in range(8):
        for n, patient in enumerate(order[:3]):
            _add(db, patient, day * 10 + n, next(ids))
        if day in (2, 5):
            _add(db, None, day * 10 + 9, next(ids))  # a guest
    _add(db, order[0], -30, next(ids))  # an older analysis arriving late (a sync pull)
    _add(db, order[3], 100, next(ids))  # a first analysis
    _add(db, order[1], 101, next(ids))
    _fill_a_block(db, order[2])
    _add(db, order[2], 102, next(ids))  # cannot join its full block: stays where it was put
    _add(db, order[2], 103, next(ids))
    with db.connect() as conn:
        rows = conn.execute(
            text("SELECT analysis_id, rowid, user_id FROM skin_analysis_results")
        ).all()
    position = {p.hex: i for i, p in enumerate(order)}
    return {f"{position.get(u, 'guest')}:{a}": r for a, r, u in rows}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "sqlcipher"])
def test_rows_land_where_the_0010_trigger_put_them(tmp_path: Path, encrypted: bool) -> None:
    placed = []
    for revision in ("0011", head_revision()):
        db = Database(
            sqlite_url(tmp_path / f"{revision}.db"),
            key=secrets.token_bytes(32) if encrypted else None,
        )
        try:
            migrate_to(db, revision)
            placed.append(_story(db))
            with db.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
        finally:
            db.dispose()
    before, after = placed
    assert after == before
    blocks = {key.split(":")[0]: rowid // SLOT for key, rowid in after.items()}
    assert len(set(blocks.values())) >= 4  # the story did spread patients over blocks


def test_the_trigger_reads_the_patients_history_by_one_seek(sqlite_db: Database) -> None:
    with sqlite_db.connect() as conn:
        body = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": TRIGGER}
        ).scalar_one()
    assert "max(rowid) + 1" not in body and "ORDER BY newest.created_at DESC LIMIT 1" in body
    with sqlite_db.connect() as conn:  # the newest row: the covering history index, no sort
        plan = " ".join(
            str(r[3])
            for r in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT newest.rowid FROM skin_analysis_results AS newest "
                    "WHERE newest.user_id IS :u AND newest.rowid <> 1 "
                    "ORDER BY newest.created_at DESC LIMIT 1"
                ),
                {"u": uuid.uuid4().hex},
            )
        )
    assert "USING COVERING INDEX ix_skin_analysis_results_user_history" in plan
    assert "TEMP B-TREE" not in plan


def test_downgrade_puts_the_0010_trigger_back(sqlite_db: Database) -> None:
    def body() -> str:
        with sqlite_db.connect() as conn:
            return str(
                conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": TRIGGER}
                ).scalar_one()
            )

    head = body()
    migrate_to(sqlite_db, "0011", down=True)
    assert "max(rowid) + 1 FROM skin_analysis_results WHERE user_id IS NEW.user_id" in body()
    migrate_to(sqlite_db, head_revision())
    assert body() == head


@pytest.mark.postgres
def test_postgres_has_no_trigger_before_or_after(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        migrate_to(db, "0011")
        migrate_to(db, head_revision())
        with db.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM information_schema.triggers WHERE trigger_name = :t"),
                {"t": TRIGGER},
            ).scalar_one()
        assert found == 0
        migrate_to(db, "0011", down=True)
    finally:
        db.dispose()
