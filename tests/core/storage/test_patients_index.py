"""The patients' trigram index (SQLite, migration 0009): the same lists as the plain walk for any
text, FTS5 syntax taken literally, kept in step by every write, and nothing of an erased patient
left in its tables."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from core.storage import Database
from core.storage.repositories import analyses, patients, users
from core.storage.repositories import patients_index as index
from core.storage.repositories.patients_terms import (
    PageCursor,
    PatientQuery,
    PatientSort,
    VisitWindow,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
# Letters, FTS5 syntax, SQL wildcards, quotes, non-ASCII in both cases.
ALPHABET = [*"aAbBnN", '"', "'", "*", "%", "_", "\\", ":", "^", "(", ")", "-", "+"]
ALPHABET += ["é", "É", "near", "AND", "OR", "NOT"]


def _add(db: Database, first: str, last: str, email: str) -> uuid.UUID:
    with db.write() as session:
        return users.create(
            session, email=email, first_name=first, last_name=last, role="patient"
        ).user_id


def _visit(db: Database, user_id: uuid.UUID, days_ago: float) -> None:
    with db.write() as session:
        row = analyses.from_metrics(
            user_id=user_id, skin_score=70.0, engine_version="t", metrics={"redness": 20.0}
        )
        row.created_at = NOW - timedelta(days=days_ago)
        analyses.add(session, row)


def _list(db: Database, limit: int = 7, **query: Any) -> tuple[list[uuid.UUID], int]:
    found: list[uuid.UUID] = []
    cursor: PageCursor | None = PageCursor()
    with db.read() as session:
        while cursor is not None:
            rows, cursor = patients.search(
                session, PatientQuery(**query), now=NOW, cursor=cursor, limit=limit
            )
            found += [r.user_id for r in rows]
        return found, patients.count(session, PatientQuery(**query), now=NOW, cap=1000)


@pytest.fixture
def matches(sqlite_db: Database) -> Iterator[list[str]]:
    """Every full-text query SQLite runs while the test does."""
    seen: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "MATCH" in statement:
            seen.append(statement)

    event.listen(sqlite_db.engine, "before_cursor_execute", spy)
    yield seen
    event.remove(sqlite_db.engine, "before_cursor_execute", spy)


def test_the_index_gives_the_same_lists_as_the_walk(
    sqlite_db: Database, matches: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)

    def word(low: int, high: int) -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high)))

    keys = []
    for i in range(60):
        first, last = word(1, 4), word(1, 4)
        local = "".join(rng.choice("abn*%_'^+-") for _ in range(3))
        user_id = _add(sqlite_db, first, last, f"{local}{i}@ex.org")
        keys.append(f"{first} {last} {local}{i}@ex.org")
        if i % 3:
            _visit(sqlite_db, user_id, rng.choice([3, 100, 500]))
    texts = [word(1, 5) for _ in range(25)]
    for key in rng.sample(keys, 15):  # pieces of real keys, some in other cases
        start = rng.randrange(len(key) - 3)
        piece = key[start : start + rng.randint(3, 8)]
        texts.append(piece.upper() if rng.random() < 0.3 else piece)
    texts += ["ex.org", "@ex", '"', '""', "***", "%%%", "___", "near", "a AND b", "NOT a"]
    shapes: list[dict[str, Any]] = [
        {},
        {"descending": True},
        {"visits": VisitWindow.LAST_12_MONTHS},
        {"visits": VisitWindow.NEVER, "descending": True},
        {"sort": PatientSort.LAST_VISIT, "descending": True},
    ]
    with_index = {
        (t, i): _list(sqlite_db, text=t, **s) for t in texts for i, s in enumerate(shapes)
    }
    assert matches, "the index was used"
    monkeypatch.setattr(index, "narrowing", lambda _session, _words: None)
    for (t, i), found in with_index.items():
        assert found == _list(sqlite_db, text=t, **shapes[i]), (t, shapes[i])
    assert sum(1 for ids, _ in with_index.values() if ids) > 40  # not a comparison of nothing
    # The fixed SQL of the list by name says the same as the query expressions (PostgreSQL's).
    with sqlite_db.read() as session:
        for (t, i), (found, _count) in with_index.items():
            query = PatientQuery(text=t, **shapes[i])
            if query.sort is not PatientSort.NAME:
                continue
            expression = patients._by_name(
                patients._matching(session, query, NOW, visited=None), query.descending
            )
            assert [r[0] for r in session.execute(expression)] == found, (t, shapes[i])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"', ['Quo"te Near']),
        ('quo"te', ['Quo"te Near']),
        ("near", ['Quo"te Near', "Nearly And*Or"]),
        ("NEAR(", []),
        ("and*", ["Nearly And*Or"]),
        ("d*o", ["Nearly And*Or"]),
        ("AND", ["Nearly And*Or"]),
        ("a AND b", []),
        ("col:umn", ["Col:umn ^Caret"]),
        ("^caret", ["Col:umn ^Caret"]),
        ("*", ["Nearly And*Or"]),
        ("***", []),
        ("%%%", []),
        ("___", []),
        ('"""', []),
        ("'); --", []),
        ("x" * 200, []),
    ],
)
def test_fts_syntax_and_wildcards_are_matched_literally(
    sqlite_db: Database, text: str, expected: list[str]
) -> None:
    _add(sqlite_db, 'Quo"te', "Near", "quote@example.org")
    _add(sqlite_db, "Nearly", "And*Or", "nearly@example.org")
    _add(sqlite_db, "Col:umn", "^Caret", "column@example.org")
    ids, count = _list(sqlite_db, text=text)
    with sqlite_db.read() as session:
        names = {u.user_id: f"{u.first_name} {u.last_name}" for u in users.list_users(session)}
        assert index.narrowing(session, text.split()) is not None  # the index answered
    assert sorted(names[i] for i in ids) == sorted(expected) and count == len(expected)


def _index_rows(db: Database) -> list[tuple[str, str, str]]:
    with db.read() as session:
        found = session.execute(
            text("SELECT last_name, first_name, search_key FROM patient_search_rows ORDER BY 1")
        )
        session.execute(
            text("INSERT INTO patient_search(patient_search) VALUES('integrity-check')")
        )
        return [tuple(r) for r in found]


def test_every_write_keeps_the_index_in_step(sqlite_db: Database) -> None:
    ada = _add(sqlite_db, "Ada", "Lovelace", "ada@example.org")
    with sqlite_db.write() as session:
        users.create(
            session, email="doc@example.org", first_name="Doc", last_name="Tor", role="clinician"
        )
    assert _index_rows(sqlite_db) == [("Lovelace", "Ada", "ada lovelace ada@example.org  ")]
    with sqlite_db.write() as session:
        clocks = patients.profile(session, ada).clocks
        changes = {"last_name": "King", "email": "ADA@king.org"}
        patients.update(session, ada, changes, seen_clocks=clocks, this_year=2026)
    assert _index_rows(sqlite_db) == [("King", "Ada", "ada king ada@king.org  ")]
    assert _list(sqlite_db, text="lovelace") == ([], 0)
    assert _list(sqlite_db, text="king")[0] == [ada]
    with sqlite_db.write() as session:
        user = users.get(session, ada)
        assert user is not None
        users.set_role(session, user, "clinician")  # no longer in the patient list
    assert _index_rows(sqlite_db) == []
    with sqlite_db.write() as session:
        user = users.get(session, ada)
        assert user is not None
        users.set_role(session, user, "patient")
    assert _list(sqlite_db, text="king")[0] == [ada]
    with sqlite_db.write() as session:
        user = users.get(session, ada)
        assert user is not None
        users.erase(session, user)
    assert _index_rows(sqlite_db) == [] and _list(sqlite_db, text="king") == ([], 0)
