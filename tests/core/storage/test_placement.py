"""A new analysis is written at its place among the patient's others (core.storage.placement), on
real SQLite and SQLCipher files: on the very rowid the clustering trigger would have moved it to,
without the move; what is not placed (a first analysis, a full block, several rows in one
statement, SQL not written by the ORM) is still moved there by the trigger."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text

from core.storage import Database, placement, sqlite_url
from core.storage.migrate import upgrade
from core.storage.models import SkinAnalysisResult
from core.storage.repositories import analyses, users

SLOT = 1 << 20
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# Every move of a row, as the trigger makes it: logged by the test's own trigger.
MOVES = (
    "CREATE TABLE moves (old INTEGER, new INTEGER)",
    """CREATE TRIGGER log_moves AFTER UPDATE ON skin_analysis_results
       WHEN OLD.rowid <> NEW.rowid
       BEGIN INSERT INTO moves VALUES (OLD.rowid, NEW.rowid); END""",
)


@pytest.fixture(params=[False, True], ids=["plain", "sqlcipher"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    key = secrets.token_bytes(32) if request.param else None
    database = Database(sqlite_url(tmp_path / "placed.db"), key=key)
    upgrade(database)
    with database.connect(write=True) as conn:
        for statement in MOVES:
            conn.execute(text(statement))
    yield database
    database.dispose()


def _analysis(user_id: uuid.UUID | None, day: int) -> SkinAnalysisResult:
    return analyses.from_metrics(
        analysis_id=uuid.UUID(int=day + 1000, version=4),
        user_id=user_id,
        skin_score=60.0,
        engine_version="test-1",
        metrics={"redness": day / 100},
        created_at=START + timedelta(days=day),
        result={"document": "x" * 1200},
    )


def _patients(db: Database, count: int) -> list[uuid.UUID]:
    with db.write() as session:
        made = [
            users.create(session, email=f"p{i}@example.org", first_name=f"P{i}", last_name="L")
            for i in range(count)
        ]
        return [user.user_id for user in made]


def _rowids(db: Database) -> dict[str, int]:
    with db.connect() as conn:
        rows = conn.execute(text("SELECT analysis_id, rowid FROM skin_analysis_results")).all()
    return {str(a): r for a, r in rows}


def _moves(db: Database) -> list[tuple[int, int]]:
    with db.connect() as conn:
        return [(o, n) for o, n in conn.execute(text("SELECT old, new FROM moves ORDER BY rowid"))]


def _story(db: Database, patients: list[uuid.UUID]) -> None:
    """Patients in turn, guests among them, an older analysis arriving late."""
    for day in range(6):
        for n, patient in enumerate(patients):
            with db.write() as session:
                analyses.add(session, _analysis(patient, day * 10 + n))
        if day in (1, 4):
            with db.write() as session:
                analyses.add(session, _analysis(None, day * 10 + 9))
    with db.write() as session:
        analyses.add(session, _analysis(patients[0], -50))


def test_an_analysis_is_written_at_its_place_with_no_move(db: Database) -> None:
    patients = _patients(db, 3)
    _story(db, patients)
    firsts = len(patients) + 1  # each patient's first analysis and the guests' first
    assert len(_moves(db)) == firsts  # placed by the trigger: nowhere to look for a place
    by_owner: dict[str | None, list[int]] = {}
    with db.connect() as conn:
        for owner, rowid in conn.execute(
            text("SELECT user_id, rowid FROM skin_analysis_results ORDER BY rowid")
        ):
            by_owner.setdefault(owner, []).append(rowid)
    assert len(by_owner) == 4
    for rowids in by_owner.values():  # every owner's rows follow each other in one block
        assert rowids == list(range(rowids[0], rowids[0] + len(rowids)))
        assert len({r // SLOT for r in rowids}) == 1
    with db.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]


def test_rows_land_where_the_trigger_alone_puts_them(tmp_path: Path) -> None:
    placed: list[dict[str, int]] = []
    for name, place in (("trigger", False), ("placed", True)):
        db = Database(sqlite_url(tmp_path / f"{name}.db"), key=secrets.token_bytes(32))
        try:
            if not place:
                event.remove(db.engine, "before_cursor_execute", placement.place)
            upgrade(db)
            _story(db, _patients(db, 3))
            placed.append(_rowids(db))
        finally:
            db.dispose()
    assert placed[1] == placed[0]


def test_what_is_not_placed_is_still_moved_by_the_trigger(db: Database) -> None:
    first, second = _patients(db, 2)
    for day in range(3):
        with db.write() as session:
            analyses.add(session, _analysis(first, day))
    with db.write() as session:  # several rows in one flush: not placed, moved one by one
        session.add_all([_analysis(second, 10), _analysis(first, 11)])
    moves = len(_moves(db))
    with db.connect(write=True) as conn:  # SQL the ORM did not write
        conn.execute(
            text(
                "INSERT INTO skin_analysis_results (analysis_id, user_id, skin_score, conditions, "
                "recommendations, routine, metrics, region_metrics, result, engine_version, "
                "created_at, updated_at) VALUES (:a, :u, 1, '[]', '[]', '{}', '{}', '{}', '{}', "
                "'raw', '2026-04-01 00:00:00.000000', '2026-04-01 00:00:00.000000')"
            ),
            {"a": uuid.uuid4().hex, "u": first.hex},
        )
    assert len(_moves(db)) == moves + 1
    with db.connect() as conn:
        rowids = (
            conn.execute(
                text("SELECT rowid FROM skin_analysis_results WHERE user_id = :u ORDER BY rowid"),
                {"u": first.hex},
            )
            .scalars()
            .all()
        )
    assert rowids == list(range(rowids[0], rowids[0] + 5))


def test_a_full_block_leaves_the_row_to_the_trigger(db: Database) -> None:
    (patient,) = _patients(db, 1)
    with db.write() as session:
        analyses.add(session, _analysis(patient, 0))
    with db.connect(write=True) as conn:  # the patient's row on the last id of their block
        last = conn.execute(text("SELECT max(rowid) FROM skin_analysis_results")).scalar_one()
        end = (last // SLOT + 1) * SLOT - 1
        conn.execute(
            text("UPDATE skin_analysis_results SET rowid = :end WHERE rowid = :last"),
            {"end": end, "last": last},
        )
    with db.write() as session:
        analyses.add(session, _analysis(patient, 1))
    rowids = sorted(_rowids(db).values())
    assert rowids[0] == end and rowids[1] > end  # stored after it, never on a taken id


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO skin_analysis_results (analysis_id, user_id) VALUES (?, ?), (?, ?)",
        "INSERT INTO skin_analysis_results (rowid, analysis_id, user_id) VALUES (?, ?, ?)",
        "INSERT INTO skin_analysis_results (analysis_id, skin_score) VALUES (?, ?)",
        "INSERT INTO skin_analysis_results (analysis_id, user_id) VALUES (?, 'x')",
        "INSERT INTO clinician_notes (note_id, user_id) VALUES (?, ?)",
    ],
)
def test_other_statements_run_as_they_are(statement: str) -> None:
    assert placement.placed(statement) is None


def test_the_single_row_insert_names_its_rowid() -> None:
    rewrite = placement.placed(
        "INSERT INTO skin_analysis_results (analysis_id, user_id, skin_score) VALUES (?, ?, ?)"
    )
    assert rewrite is not None
    statement, user = rewrite
    assert user == 1
    assert statement.startswith("INSERT INTO skin_analysis_results (rowid, analysis_id, user_id")
    assert statement.count("?") == 4
