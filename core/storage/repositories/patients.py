"""Patients as the clinician's desktop sees them: the searchable list, the profile, its edits.

The list reads names and emails from the covering index ``ix_users_role_name`` and visits from
``patient_visits`` (kept by triggers), so a keystroke's search never reads the analyses table.
An edit writes only the fields the person changed and refuses, naming them, fields that someone
else changed since the form was opened (their column clocks moved): per-field merging by sync
then keeps both people's changes instead of the later save silently undoing the earlier one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from core.errors import ConflictError, NotFoundError, ValidationError
from core.storage.models import PatientVisits, User
from core.storage.repositories import patients_by_name as by_name
from core.storage.repositories import patients_index as index
from core.storage.repositories import users
from core.storage.repositories.patients_terms import (
    EditConflictError,
    FieldConflict,
    PageCursor,
    PatientQuery,
    PatientSort,
    VisitWindow,
)
from core.storage.repositories.validation import check_name, normalise_email

PATIENT = "patient"
EDITABLE = (
    "first_name",
    "last_name",
    "email",
    "birth_year",
    "fitzpatrick_type",
    "fragrance_free",
    "pregnancy",
    "sensitive_skin",
)
FLAGS = ("fragrance_free", "pregnancy", "sensitive_skin")
EARLIEST_BIRTH_YEAR = 1900
FEW = 1000


@dataclass(frozen=True)
class PatientListRow:
    user_id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    birth_year: int | None
    fitzpatrick_type: int | None
    last_visit_at: datetime | None
    visit_count: int


@dataclass(frozen=True)
class PatientProfile:
    """A patient's editable fields with each field's clock at the moment they were read."""

    user_id: uuid.UUID
    values: Mapping[str, Any]
    clocks: Mapping[str, str]
    created_at: datetime
    last_visit_at: datetime | None
    visit_count: int


# -- the list ---------------------------------------------------------------------------------
Query = Select[*tuple[Any, ...]]
Phase = Callable[[int, int], Sequence[Any]]
"""One ordered part of the list: its rows from an offset, at most a number of them."""


def _contains(session: Session, word: str) -> ColumnElement[bool]:
    """``word`` appears in the search key, every character taken literally (no wildcards)."""
    key = User.__table__.c.search_key
    if session.get_bind().dialect.name == "sqlite":
        # SQLite's lower() folds A-Z only: fold the word the same way, and find it with instr()
        # (a plain substring search, much cheaper per row than LIKE).
        return func.instr(key, index.folded(word)) > 0
    return key.contains(word.lower(), autoescape=True)


def _window(query: PatientQuery, now: datetime) -> ColumnElement[bool] | None:
    """The visit window as an expression (``by_name.WINDOWS`` holds the same as SQL text)."""
    if query.visits is VisitWindow.ANY:
        return None
    if query.visits is VisitWindow.NEVER:
        return PatientVisits.user_id.is_(None)
    since = now - timedelta(days=by_name.WINDOWS[query.visits][1])
    last = PatientVisits.last_visit_at
    return last < since if query.visits is VisitWindow.NOT_IN_12_MONTHS else last >= since


def _matching(
    session: Session,
    query: PatientQuery,
    now: datetime,
    *,
    visited: bool | None,
    among: Sequence[uuid.UUID] | None = None,
) -> Query:
    """Patients matching the words and the visit window. ``visited`` keeps those with (True) or
    without (False) a visit; ``among`` replaces the words by the ids they already matched."""
    stmt = select(*by_name.ROW)
    role = User.role == PATIENT
    if visited:
        stmt = stmt.select_from(PatientVisits).join(User, User.user_id == PatientVisits.user_id)
        # Wrapped in a function so that SQLite cannot walk users by role and sort every visit:
        # it walks the visit index in order and stops after a page.
        role = func.coalesce(User.role, "") == PATIENT
    else:
        stmt = stmt.select_from(User).outerjoin(
            PatientVisits, PatientVisits.user_id == User.user_id
        )
        if visited is False:
            stmt = stmt.where(PatientVisits.user_id.is_(None))
    stmt = stmt.where(role)
    if among is not None:
        stmt = stmt.where(User.user_id.in_(among))
    else:
        for word in query.words():
            stmt = stmt.where(_contains(session, word))
    condition = _window(query, now)
    return stmt if condition is None else stmt.where(condition)


def _by_name(stmt: Query, descending: bool) -> Query:
    columns = (User.last_name, User.first_name, User.user_id)
    return stmt.order_by(*(c.desc() if descending else c.asc() for c in columns))


def _few_matches(session: Session, query: PatientQuery) -> list[uuid.UUID] | None:
    """The ids matching the words when there are at most ``FEW`` (None: more, or no words).

    Sorting a few matches by visit is cheap; with many, walking the visit index finds a page of
    them at once. The trigram index (or else the name index) answers which case it is, stopping
    at ``FEW + 1``."""
    words = query.words()
    if not words:
        return None
    narrowed = index.narrowing(session, words)
    if narrowed == index.NOTHING:
        return []
    if narrowed is not None:
        ids = index.candidates(narrowed, words)
    else:
        ids = select(User.user_id).where(User.role == PATIENT)
        for word in words:
            ids = ids.where(_contains(session, word))
    found = list(session.scalars(ids.limit(FEW + 1)))
    return found if len(found) <= FEW else None


def _walked(session: Session, stmt: Query) -> Phase:
    return lambda offset, limit: session.execute(stmt.offset(offset).limit(limit)).all()


def _named(session: Session, query: PatientQuery, now: datetime, narrowed: str | None) -> Phase:
    """The list by name on SQLite: fixed SQL, from the trigram index or the name walk."""
    words = query.words()

    def rows(offset: int, limit: int) -> Sequence[Any]:
        return by_name.page(
            session,
            words=words,
            narrowed=narrowed,
            descending=query.descending,
            window=query.visits,
            now=now,
            offset=offset,
            limit=limit,
        )

    return rows


def _phases(session: Session, query: PatientQuery, now: datetime) -> list[Phase]:
    """The ordered parts whose rows, one after the other, make the list."""
    if query.sort is PatientSort.NAME:
        if session.get_bind().dialect.name == "sqlite":
            return [_named(session, query, now, index.narrowing(session, query.words()))]
        by_name_walk = _by_name(_matching(session, query, now, visited=None), query.descending)
        return [_walked(session, by_name_walk)]
    # By visit: patients with visits in visit order, then the never-seen by name.
    among = _few_matches(session, query)
    last = PatientVisits.last_visit_at
    order = (
        (last.desc(), PatientVisits.user_id.desc())
        if query.descending
        else (last, PatientVisits.user_id)
    )
    phases = []
    if query.visits is not VisitWindow.NEVER:
        seen = _matching(session, query, now, visited=True, among=among)
        phases.append(_walked(session, seen.order_by(*order)))
    if query.visits in (VisitWindow.ANY, VisitWindow.NEVER):
        unseen = _matching(session, query, now, visited=False, among=among)
        phases.append(_walked(session, _by_name(unseen, False)))
    return phases


def search(
    session: Session,
    query: PatientQuery,
    *,
    now: datetime,
    cursor: PageCursor | None = None,
    limit: int = 200,
) -> tuple[list[PatientListRow], PageCursor | None]:
    """One page of the list in the asked order, and where the next one starts (None: the end)."""
    at = cursor or PageCursor()
    if at.phase < 0 or at.offset < 0 or not 1 <= limit <= 1000:
        raise ValidationError("A page of patients is 1-1000 rows from a valid position")
    phases = _phases(session, query, now)
    rows: list[PatientListRow] = []
    phase, offset = at.phase, at.offset
    while phase < len(phases) and len(rows) < limit:
        wanted = limit - len(rows)
        found = [_row(r) for r in phases[phase](offset, wanted)]
        rows.extend(found)
        if len(found) == wanted:
            return rows, PageCursor(phase, offset + wanted)
        phase, offset = phase + 1, 0
    return rows, None


def _row(r: Any) -> PatientListRow:
    return PatientListRow(
        user_id=r[0],
        first_name=r[1],
        last_name=r[2],
        email=r[3],
        birth_year=r[4],
        fitzpatrick_type=r[5],
        last_visit_at=r[6],
        visit_count=int(r[7] or 0),
    )


def count(session: Session, query: PatientQuery, *, now: datetime, cap: int = 10_000) -> int:
    """How many patients match, counting no further than ``cap`` (shown as "10,000+")."""
    words = query.words()
    narrowed = index.narrowing(session, words)
    if narrowed is not None:
        matches = index.candidates(narrowed, words)
        condition = _window(query, now)
        if condition is not None:
            names = index.rows.c
            matches = matches.outerjoin(PatientVisits, PatientVisits.user_id == names.user_id)
            matches = matches.where(condition)
    else:
        matches = _matching(session, query, now, visited=None).with_only_columns(User.user_id)
    return int(session.scalar(select(func.count()).select_from(matches.limit(cap).subquery())) or 0)


# -- one patient ------------------------------------------------------------------------------
def require_patient(session: Session, user_id: uuid.UUID, *, for_update: bool = False) -> User:
    user = session.get(User, user_id, with_for_update=for_update)
    if user is None or user.role != PATIENT:
        raise NotFoundError("This patient no longer exists (erased, or never synced here).")
    return user


def profile(session: Session, user_id: uuid.UUID) -> PatientProfile:
    user = require_patient(session, user_id)
    visits = session.get(PatientVisits, user_id)
    clocks = dict(user.field_clocks or {})
    return PatientProfile(
        user_id=user.user_id,
        values={name: getattr(user, name) for name in EDITABLE},
        clocks={name: clocks.get(name, "") for name in EDITABLE},
        created_at=user.created_at,
        last_visit_at=visits.last_visit_at if visits else None,
        visit_count=visits.visit_count if visits else 0,
    )


def check_profile(values: Mapping[str, Any], *, this_year: int) -> dict[str, Any]:
    """Validated, normalised values of the editable fields given (unknown fields refused)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Unknown patient field(s): {', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("first_name", "last_name"):
            clean[name] = check_name(str(value or ""), field=name.replace("_", " "))
        elif name == "email":
            clean[name] = normalise_email(str(value or ""))
        elif name == "birth_year":
            if value is not None and not (
                isinstance(value, int) and EARLIEST_BIRTH_YEAR <= value <= this_year
            ):
                raise ValidationError(
                    f"The birth year must be between {EARLIEST_BIRTH_YEAR} and {this_year}"
                )
            clean[name] = value
        elif name == "fitzpatrick_type":
            if value is not None and not (isinstance(value, int) and 1 <= value <= 6):
                raise ValidationError("The Fitzpatrick type is I to VI (1-6), or not known")
            clean[name] = value
        else:
            if not isinstance(value, bool):
                raise ValidationError(f"{name.replace('_', ' ')} is yes or no")
            clean[name] = value
    return clean


def create(session: Session, values: Mapping[str, Any], *, this_year: int) -> User:
    clean = check_profile(values, this_year=this_year)
    for required in ("first_name", "last_name", "email"):
        if required not in clean:
            raise ValidationError(f"A patient needs a {required.replace('_', ' ')}")
    user = users.create(
        session,
        email=clean["email"],
        first_name=clean["first_name"],
        last_name=clean["last_name"],
        role=PATIENT,
    )
    for name in ("birth_year", "fitzpatrick_type", *FLAGS):
        if name in clean:
            setattr(user, name, clean[name])
    session.flush()
    return user


def update(
    session: Session,
    user_id: uuid.UUID,
    changes: Mapping[str, Any],
    *,
    seen_clocks: Mapping[str, str],
    this_year: int,
) -> tuple[User, list[str]]:
    """Write ``changes`` (only what the person changed) unless someone else changed one of those
    fields to something else since ``seen_clocks`` were read. Returns the patient and the other
    fields changed meanwhile (kept as they are now)."""
    clean = check_profile(changes, this_year=this_year)
    user = require_patient(session, user_id, for_update=True)
    clocks = dict(user.field_clocks or {})
    moved = [n for n in EDITABLE if clocks.get(n, "") != seen_clocks.get(n, "")]
    conflicts = [
        FieldConflict(n, clean[n], getattr(user, n), clock=clocks.get(n, ""))
        for n in moved
        if n in clean and getattr(user, n) != clean[n]
    ]
    if conflicts:
        raise EditConflictError(conflicts)
    if "email" in clean and clean["email"] != user.email:
        taken = session.scalar(
            select(User.user_id).where(User.email == clean["email"], User.user_id != user_id)
        )
        if taken is not None:
            raise ConflictError(f"Another account already uses {clean['email']}")
    for name, value in clean.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
    session.flush()
    return user, [n for n in moved if n not in clean]
