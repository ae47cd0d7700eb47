"""The patient list's queries, the visit summary the triggers keep, and profile edits that refuse
to overwrite someone else's change, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.errors import ConflictError, NotFoundError, ValidationError
from core.storage import Database
from core.storage.models import PatientVisits, SkinAnalysisResult, User
from core.storage.repositories import analyses, patients, users
from core.storage.repositories.patients_terms import (
    EditConflictError,
    PageCursor,
    PatientQuery,
    PatientSort,
    VisitWindow,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
YEAR = 2026


def _patient(db: Database, first: str, last: str, email: str, **values: object) -> uuid.UUID:
    with db.write() as session:
        user = patients.create(
            session,
            {"first_name": first, "last_name": last, "email": email, **values},
            this_year=YEAR,
        )
        return user.user_id


def _visit(db: Database, user_id: uuid.UUID | None, days_ago: float) -> uuid.UUID:
    with db.write() as session:
        row = analyses.from_metrics(
            user_id=user_id, skin_score=70.0, engine_version="t", metrics={"redness": 20.0}
        )
        row.created_at = NOW - timedelta(days=days_ago)
        return analyses.add(session, row).analysis_id


def _names(db: Database, *, limit: int = 200, **query: object) -> list[str]:
    """Every matching name, page after page."""
    names: list[str] = []
    cursor: PageCursor | None = PageCursor()
    with db.read() as session:
        while cursor is not None:
            rows, cursor = patients.search(
                session,
                PatientQuery(**query),  # type: ignore[arg-type]
                now=NOW,
                cursor=cursor,
                limit=limit,
            )
            names += [f"{r.first_name} {r.last_name}" for r in rows]
    return names


@pytest.fixture
def clinic(db: Database) -> dict[str, uuid.UUID]:
    people = {
        "ana": _patient(db, "Ana", "Garcia", "ana.garcia@example.org", birth_year=1980),
        "ben": _patient(db, "Ben", "Okafor", "ben@example.org", birth_year=1975),
        "chloe": _patient(db, "Chloé", "Garnier", "chloe@clinic.fr"),
        "odd1": _patient(db, "Ann_a", "O'Brien", "ann_a@example.org"),
        "odd2": _patient(db, "Anna", "100%Real", "anna.real@example.org"),
        "odd3": _patient(db, "Back", "Sla\\sh", "back@example.org"),
    }
    with db.write() as session:
        users.create(
            session,
            email="ana.doc@clinic.org",
            first_name="Ana",
            last_name="Doctor",
            role="clinician",
        )
    _visit(db, people["ana"], 3)
    _visit(db, people["ana"], 400)
    _visit(db, people["ben"], 200)
    _visit(db, people["chloe"], 500)
    return people


def test_search_finds_words_in_names_and_emails_in_any_case(db: Database, clinic) -> None:
    assert _names(db, text="gar") == ["Ana Garcia", "Chloé Garnier"]
    assert _names(db, text="GARCIA") == ["Ana Garcia"]
    assert _names(db, text="clinic.fr") == ["Chloé Garnier"]
    assert _names(db, text="ana gar") == ["Ana Garcia"]  # every word must match somewhere
    assert _names(db, text="  okafor  ") == ["Ben Okafor"]
    assert "Ana Doctor" not in _names(db, text="ana")  # clinicians are not patients


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("_", ["Ann_a O'Brien"]),
        ("%", ["Anna 100%Real"]),
        ("n_a", ["Ann_a O'Brien"]),
        ("0%r", ["Anna 100%Real"]),
        ("'", ["Ann_a O'Brien"]),
        ("o'b", ["Ann_a O'Brien"]),
        ("\\", ["Back Sla\\sh"]),
        ('"', []),
        ("'; DROP TABLE users; --", []),
        ("%%", []),
    ],
)
def test_wildcards_and_quotes_are_literal(db: Database, clinic, text: str, expected) -> None:
    assert _names(db, text=text) == expected
    with db.read() as session:
        assert session.scalar(select(User.user_id).limit(1)) is not None  # still there


def test_a_search_too_long_is_refused(db: Database, clinic) -> None:
    with pytest.raises(ValidationError, match="200 characters"), db.read() as session:
        patients.search(session, PatientQuery(text="a" * 201), now=NOW)
    with pytest.raises(ValidationError, match="words"), db.read() as session:
        patients.search(session, PatientQuery(text="a b c d e f g"), now=NOW)


def test_sorts(db: Database, clinic) -> None:
    assert _names(db)[:2] == ["Anna 100%Real", "Ana Garcia"]  # by last name, then first
    assert _names(db, descending=True)[:2] == ["Back Sla\\sh", "Ben Okafor"]
    recent = _names(db, sort=PatientSort.LAST_VISIT, descending=True)
    assert recent[:3] == ["Ana Garcia", "Ben Okafor", "Chloé Garnier"]
    assert recent[3:] == ["Anna 100%Real", "Ann_a O'Brien", "Back Sla\\sh"]  # never seen: last
    oldest = _names(db, sort=PatientSort.LAST_VISIT)
    assert oldest[:3] == recent[:3][::-1] and oldest[3:] == recent[3:]
    for size in (1, 2, 3, 4):  # the same list whatever the page size, across the two phases
        assert _names(db, sort=PatientSort.LAST_VISIT, descending=True, limit=size) == recent
        assert _names(db, limit=size) == _names(db)
    assert _names(db, text="gar", sort=PatientSort.LAST_VISIT, descending=True) == [
        "Ana Garcia",
        "Chloé Garnier",
    ]


def test_sort_by_visit_takes_the_same_order_with_many_matches(
    db: Database, clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few matches are sorted directly, many are found along the visit index: same list."""
    few = _names(db, text="a", sort=PatientSort.LAST_VISIT, descending=True)
    monkeypatch.setattr(patients, "FEW", 1)
    many = _names(db, text="a", sort=PatientSort.LAST_VISIT, descending=True)
    assert few == many and few[0] == "Ana Garcia" and len(few) == 6
    assert _names(db, text="a", sort=PatientSort.LAST_VISIT, limit=2) == _names(
        db, text="a", sort=PatientSort.LAST_VISIT
    )


def test_visit_windows(db: Database, clinic) -> None:
    assert _names(db, visits=VisitWindow.LAST_30_DAYS) == ["Ana Garcia"]
    assert _names(db, visits=VisitWindow.LAST_12_MONTHS) == ["Ana Garcia", "Ben Okafor"]
    assert _names(db, visits=VisitWindow.NOT_IN_12_MONTHS) == ["Chloé Garnier"]
    assert set(_names(db, visits=VisitWindow.NEVER)) == {
        "Ann_a O'Brien",
        "Anna 100%Real",
        "Back Sla\\sh",
    }
    assert _names(db, text="gar", visits=VisitWindow.LAST_30_DAYS) == ["Ana Garcia"]


def test_pages_and_capped_counts(db: Database, clinic) -> None:
    with db.read() as session:
        first, cursor = patients.search(session, PatientQuery(), now=NOW, limit=4)
        rest, end = patients.search(session, PatientQuery(), now=NOW, cursor=cursor, limit=4)
        assert len(first) == 4 and len(rest) == 2 and end is None
        assert not {r.user_id for r in first} & {r.user_id for r in rest}
        assert patients.count(session, PatientQuery(), now=NOW) == 6
        assert patients.count(session, PatientQuery(), now=NOW, cap=3) == 3
        assert patients.count(session, PatientQuery(text="gar"), now=NOW) == 2
        with pytest.raises(ValidationError):
            patients.search(session, PatientQuery(), now=NOW, cursor=PageCursor(0, -1))
        with pytest.raises(ValidationError):
            patients.search(session, PatientQuery(), now=NOW, limit=0)


def test_the_visit_summary_follows_every_write(db: Database, clinic) -> None:
    ana, ben = clinic["ana"], clinic["ben"]

    def summary(user_id: uuid.UUID) -> tuple[int, datetime, datetime] | None:
        with db.read() as session:
            row = session.get(PatientVisits, user_id)
            return None if row is None else (row.visit_count, row.first_visit_at, row.last_visit_at)

    assert summary(ana) == (2, NOW - timedelta(days=400), NOW - timedelta(days=3))
    newest = _visit(db, ana, 1)
    assert summary(ana) == (3, NOW - timedelta(days=400), NOW - timedelta(days=1))
    with db.write() as session:
        session.delete(session.get(SkinAnalysisResult, newest))
    assert summary(ana)[0] == 2 and summary(ana)[2] == NOW - timedelta(days=3)
    with db.write() as session:  # an analysis re-assigned to another patient moves its visit
        row = analyses.latest_for_user(session, ana, limit=1)[0]
        row.user_id = ben
    assert summary(ana)[0] == 1 and summary(ben)[0] == 2
    _visit(db, None, 0)  # a guest's analysis belongs to no one
    with db.write() as session:
        users.erase(session, users.get(session, ben))
    assert summary(ben) is None


def test_profile_and_an_edit_of_only_the_changed_fields(db: Database, clinic) -> None:
    ana = clinic["ana"]
    with db.read() as session:
        opened = patients.profile(session, ana)
    assert opened.values["birth_year"] == 1980 and opened.visit_count == 2
    with db.write() as session:
        _, moved = patients.update(
            session, ana, {"fitzpatrick_type": 3}, seen_clocks=opened.clocks, this_year=YEAR
        )
        assert moved == []
    with db.read() as session:
        after = patients.profile(session, ana)
    assert after.values["fitzpatrick_type"] == 3
    assert after.clocks["fitzpatrick_type"] != opened.clocks["fitzpatrick_type"]
    assert after.clocks["birth_year"] == opened.clocks["birth_year"]  # untouched, unstamped


def test_a_field_changed_underneath_is_a_conflict_not_an_overwrite(db: Database, clinic) -> None:
    ana = clinic["ana"]
    with db.read() as session:
        mine = patients.profile(session, ana)
        theirs = patients.profile(session, ana)
    with db.write() as session:  # the other clinician saves first
        patients.update(
            session,
            ana,
            {"birth_year": 1981, "pregnancy": True},
            seen_clocks=theirs.clocks,
            this_year=YEAR,
        )
    with pytest.raises(EditConflictError) as refused, db.write() as session:
        patients.update(
            session,
            ana,
            {"birth_year": 1979, "sensitive_skin": True},
            seen_clocks=mine.clocks,
            this_year=YEAR,
        )
    (conflict,) = refused.value.conflicts
    assert (conflict.field, conflict.yours, conflict.theirs) == ("birth_year", 1979, 1981)
    assert conflict.clock and conflict.changed_at is None  # the caller reads the time
    assert refused.value.code == "edit_conflict" and "birth year" in refused.value.message
    with db.read() as session:
        kept = patients.profile(session, ana).values
    assert kept["birth_year"] == 1981 and kept["sensitive_skin"] is False  # nothing half-saved
    with db.write() as session:  # a change that does not touch their field goes through
        _, moved = patients.update(
            session, ana, {"sensitive_skin": True}, seen_clocks=mine.clocks, this_year=YEAR
        )
    assert set(moved) == {"birth_year", "pregnancy"}
    with db.read() as session:
        kept = patients.profile(session, ana).values
    assert (kept["birth_year"], kept["pregnancy"], kept["sensitive_skin"]) == (1981, True, True)


def test_the_same_value_saved_twice_is_no_conflict(db: Database, clinic) -> None:
    ana = clinic["ana"]
    with db.read() as session:
        opened = patients.profile(session, ana)
    for _ in range(2):
        with db.write() as session:
            patients.update(
                session, ana, {"birth_year": 1990}, seen_clocks=opened.clocks, this_year=YEAR
            )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_year": 1899}, "between 1900 and 2026"),
        ({"birth_year": 2027}, "between 1900 and 2026"),
        ({"birth_year": "1980"}, "between"),
        ({"fitzpatrick_type": 7}, "I to VI"),
        ({"fitzpatrick_type": 0}, "I to VI"),
        ({"pregnancy": "yes"}, "yes or no"),
        ({"first_name": "  "}, "must not be empty"),
        ({"email": "not an email"}, "valid email"),
        ({"is_active": False}, "Unknown patient field"),
        ({"role": "admin"}, "Unknown patient field"),
    ],
)
def test_bad_profile_values_are_refused(db: Database, clinic, changes, message: str) -> None:
    with db.read() as session:
        opened = patients.profile(session, clinic["ben"])
    with pytest.raises(ValidationError, match=message), db.write() as session:
        patients.update(session, clinic["ben"], changes, seen_clocks=opened.clocks, this_year=YEAR)


def test_an_email_in_use_and_a_missing_patient(db: Database, clinic) -> None:
    with db.read() as session:
        opened = patients.profile(session, clinic["ben"])
    with pytest.raises(ConflictError, match="already uses"), db.write() as session:
        patients.update(
            session,
            clinic["ben"],
            {"email": "ANA.GARCIA@example.org"},
            seen_clocks=opened.clocks,
            this_year=YEAR,
        )
    with pytest.raises(NotFoundError), db.read() as session:
        patients.profile(session, uuid.uuid4())
    with db.read() as session:
        clinician = session.scalar(select(User.user_id).where(User.role == "clinician"))
    with pytest.raises(NotFoundError), db.read() as session:
        patients.profile(session, clinician)  # not a patient: not reachable as one
    with pytest.raises(ConflictError), db.write() as session:
        patients.create(
            session,
            {"first_name": "A", "last_name": "B", "email": "ben@example.org"},
            this_year=YEAR,
        )
