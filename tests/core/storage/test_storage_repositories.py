"""Repositories: audit log, clinician notes, consents, and the user fields they refuse."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import NotFoundError, SkinLabError, ValidationError
from core.storage import Database
from core.storage.models import ClinicianNote, ConsentRecord, User
from core.storage.repositories import audit, consents, notes, users
from core.storage.repositories.notes import MAX_NOTE_CHARS


def _user(session: Session, email: str = "ada@example.org", **fields: Any) -> User:
    return users.create(session, email=email, first_name="Ada", last_name="Lovelace", **fields)


def _count(db: Database, model: type[Any]) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- audit -------------------------------------------------------------------------------------


def test_audit_recent_is_newest_first_filtered_and_limited(db: Database) -> None:
    base = datetime(2026, 5, 1, tzinfo=UTC)
    actions = ["login", "login_failed", "login", "user_created", "login"]
    with db.write() as session:
        for minute, action in enumerate(actions):
            event = audit.record(session, action, details={"n": minute})
            event.occurred_at = base + timedelta(minutes=minute)
    with db.read() as session:
        everything = audit.recent(session)
        logins = audit.recent(session, action="login")
        two = audit.recent(session, limit=2)
        assert [e.details["n"] for e in everything] == [4, 3, 2, 1, 0]
        assert [e.details["n"] for e in logins] == [4, 2, 0]
        assert [e.details["n"] for e in two] == [4, 3]


def test_audit_events_outlive_the_people_they_mention(db: Database) -> None:
    with db.write() as session:
        actor = _user(session, "admin@example.org", role="admin")
        target = _user(session, "patient@example.org")
        audit.record(
            session,
            "user_created",
            actor_id=actor.user_id,
            target_type="user",
            target_id=target.user_id,
            details={"role": "patient"},
        )
        target_id, actor_id = target.user_id, actor.user_id
    with db.write() as session:
        person = session.get(User, target_id)
        assert person is not None
        users.erase(session, person)
    with db.read() as session:
        (event,) = audit.recent(session, action="user_created")
        assert event.actor_id == str(actor_id)
        assert event.target_id == str(target_id)
        assert event.details == {"role": "patient"}


# --- notes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "\n\t "])
def test_an_empty_note_is_refused_and_nothing_is_written(db: Database, body: str) -> None:
    with db.write() as session:
        patient_id = _user(session).user_id
    with pytest.raises(ValidationError), db.write() as session:
        notes.add(session, patient_id=patient_id, author_id=None, body=body)
    assert _count(db, ClinicianNote) == 0


def test_an_overlong_note_is_refused(db: Database) -> None:
    with db.write() as session:
        patient_id = _user(session).user_id
    with pytest.raises(ValidationError), db.write() as session:
        notes.add(session, patient_id=patient_id, author_id=None, body="x" * (MAX_NOTE_CHARS + 1))
    assert _count(db, ClinicianNote) == 0


def test_notes_are_trimmed_and_listed_newest_first_per_patient(db: Database) -> None:
    base = datetime(2026, 2, 1, tzinfo=UTC)
    with db.write() as session:
        patient = _user(session)
        other = _user(session, "other@example.org")
        for day, body in enumerate(["  first  ", "second", "third\n"]):
            note = notes.add(session, patient_id=patient.user_id, author_id=None, body=body)
            note.created_at = base + timedelta(days=day)
        notes.add(session, patient_id=other.user_id, author_id=None, body="not theirs")
        patient_id = patient.user_id
    with db.read() as session:
        assert [n.body for n in notes.for_patient(session, patient_id)] == [
            "third",
            "second",
            "first",
        ]


def test_a_note_for_a_missing_patient_is_refused(db: Database) -> None:
    with pytest.raises(SkinLabError), db.write() as session:
        notes.add(session, patient_id=uuid.uuid4(), author_id=None, body="orphan")
    assert _count(db, ClinicianNote) == 0


# --- consents ----------------------------------------------------------------------------------


def test_a_denied_consent_never_allows_storage_or_sync(db: Database) -> None:
    with db.write() as session:
        user_id = _user(session).user_id
        consents.record(
            session,
            user_id=user_id,
            text_version="v1",
            granted=False,
            allow_storage=True,
            allow_sync=True,
        )
    with db.read() as session:
        latest = consents.latest(session, user_id)
        assert latest is not None
        assert latest.granted is False
        assert latest.allow_storage is False
        assert latest.allow_sync is False


def test_a_granted_consent_keeps_the_chosen_scope(db: Database) -> None:
    with db.write() as session:
        user_id = _user(session).user_id
        consents.record(
            session,
            user_id=user_id,
            text_version=" v2 ",
            granted=True,
            allow_storage=True,
            allow_sync=False,
            retention_days=30,
        )
    with db.read() as session:
        latest = consents.latest(session, user_id)
        assert latest is not None
        assert (latest.text_version, latest.allow_storage, latest.allow_sync) == ("v2", True, False)
        assert latest.retention_days == 30


def test_latest_consent_is_the_most_recent_answer(db: Database) -> None:
    base = datetime(2026, 3, 1, tzinfo=UTC)
    with db.write() as session:
        user_id = _user(session).user_id
        for day, granted in enumerate([True, False, True, False]):
            record = consents.record(
                session, user_id=user_id, text_version=f"v{day}", granted=granted
            )
            record.recorded_at = base + timedelta(days=day)
    with db.read() as session:
        latest = consents.latest(session, user_id)
        history = consents.for_user(session, user_id)
        assert latest is not None and latest.text_version == "v3" and latest.granted is False
        assert [c.text_version for c in history] == ["v0", "v1", "v2", "v3"]


@pytest.mark.parametrize(
    ("text_version", "retention_days"), [("", None), ("   ", None), ("v1", -1)]
)
def test_invalid_consents_are_refused(
    db: Database, text_version: str, retention_days: int | None
) -> None:
    with db.write() as session:
        user_id = _user(session).user_id
    with pytest.raises(ValidationError), db.write() as session:
        consents.record(
            session,
            user_id=user_id,
            text_version=text_version,
            granted=True,
            retention_days=retention_days,
        )
    assert _count(db, ConsentRecord) == 0


# --- user fields -------------------------------------------------------------------------------

MALFORMED_EMAILS = [
    "",
    "   ",
    "plainaddress",
    "@example.org",
    "ada@",
    "ada@@example.org",
    "ada@example",
    "ada lovelace@example.org",
    "ada@exa mple.org",
    "ada..lovelace@example.org",
    "ada@-example.org",
    "ada@example..org",
    "ada@example.org\nbcc@evil.org",
    "a" * 310 + "@example.org",
]


@pytest.mark.parametrize("email", MALFORMED_EMAILS)
def test_malformed_emails_are_refused_and_nothing_is_written(
    sqlite_db: Database, email: str
) -> None:
    with pytest.raises(ValidationError), sqlite_db.write() as session:
        _user(session, email)
    assert _count(sqlite_db, User) == 0


def test_a_malformed_email_writes_nothing_on_either_engine(db: Database) -> None:
    with pytest.raises(ValidationError), db.write() as session:
        _user(session, "first@example.org")
        _user(session, "not-an-email")
    assert _count(db, User) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"role": "superuser"},
        {"role": ""},
        {"age": -1},
        {"age": 151},
        {"skin_type": "scaly"},
        {"first_name": "   "},
        {"last_name": "x" * 101},
    ],
    ids=lambda f: "-".join(f"{k}={v!s:.8}" for k, v in f.items()),
)
def test_invalid_user_fields_are_refused_and_nothing_is_written(
    db: Database, fields: dict[str, Any]
) -> None:
    values: dict[str, Any] = {"first_name": "Ada", "last_name": "Lovelace", **fields}
    with pytest.raises(ValidationError), db.write() as session:
        users.create(session, email="ada@example.org", **values)
    assert _count(db, User) == 0


def test_roles_are_normalised_and_unknown_ones_refused_on_change(db: Database) -> None:
    with db.write() as session:
        user = _user(session, role=" Clinician ")
        assert user.role == "clinician"
        user_id = user.user_id
    with pytest.raises(ValidationError), db.write() as session:
        found = session.get(User, user_id)
        assert found is not None
        users.set_role(session, found, "root")
    with db.read() as session:
        stored = session.get(User, user_id)
        assert stored is not None and stored.role == "clinician"


def test_list_and_count_by_role(db: Database) -> None:
    with db.write() as session:
        _user(session, "b@example.org", role="patient")
        _user(session, "a@example.org", role="patient")
        _user(session, "doc@example.org", role="clinician")
    with db.read() as session:
        assert users.count(session) == 3
        assert users.count(session, role="patient") == 2
        assert {u.email for u in users.list_users(session, role="clinician")} == {"doc@example.org"}
        with pytest.raises(ValidationError):
            users.count(session, role="wizard")


def test_require_by_email_names_the_missing_address(db: Database) -> None:
    with pytest.raises(NotFoundError) as caught, db.read() as session:
        users.require_by_email(session, " Nobody@Example.org ")
    assert "nobody@example.org" in caught.value.message
