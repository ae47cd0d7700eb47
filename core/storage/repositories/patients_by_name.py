"""The patient list in name order on SQLite as fixed SQL text: the query of every keystroke.

Built as a SQLAlchemy expression, a keystroke's page cost more in building and keying that tree
than in SQLite (profiled over the desktop bench's 623 keystrokes: about 5 of 8 ms). Here the SQL
of each shape (trigram index or name walk, number of words, order, visit window) is written once
and kept; the words, the FTS5 query, the date and the page are bound parameters, so SQLite reuses
its prepared statement (Python's sqlite3 caches them per connection) and SQLAlchemy only binds
and converts the rows.

Two shapes, the same patients in the same order (a test compares them on random texts):
- indexed: the trigram index's matches (``patients_index``) come in name order, each checked
  with ``instr`` on its narrow row; only the page's rows are read from ``users``.
- walked: the covering index ``ix_users_role_name`` in name order, each key checked with ``instr``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Integer, TextualSelect, bindparam, text
from sqlalchemy.orm import Session

from core.storage.models import PatientVisits, User
from core.storage.repositories.patients_index import NOTHING, folded
from core.storage.repositories.patients_terms import VisitWindow

WINDOWS: dict[VisitWindow, tuple[str, int]] = {
    VisitWindow.ANY: ("", 0),
    VisitWindow.LAST_30_DAYS: ("patient_visits.last_visit_at >= :since", 30),
    VisitWindow.LAST_12_MONTHS: ("patient_visits.last_visit_at >= :since", 365),
    VisitWindow.NOT_IN_12_MONTHS: ("patient_visits.last_visit_at < :since", 365),
    VisitWindow.NEVER: ("patient_visits.user_id IS NULL", 0),
}
"""Each visit window as SQL over ``patient_visits`` and the days before now that ``:since`` is."""

ROW = (
    User.user_id,
    User.first_name,
    User.last_name,
    User.email,
    User.birth_year,
    User.fitzpatrick_type,
    PatientVisits.last_visit_at,
    PatientVisits.visit_count,
)
"""A row of the patient list, for this fixed SQL and for the expressions PostgreSQL uses alike."""
_COLUMNS = ", ".join(f"{c.expression.table.name}.{c.expression.name}" for c in ROW)


def _checks(key: str, words: int) -> str:
    return "".join(f" AND instr({key}, :w{i}) > 0" for i in range(words))


def _window_sql(window: VisitWindow) -> str:
    condition = WINDOWS[window][0]
    return f" AND {condition}" if condition else ""


def _typed(sql: str, window: VisitWindow) -> TextualSelect:
    clause = text(sql).bindparams(bindparam("offset", type_=Integer), bindparam("limit"))
    if ":since" in WINDOWS[window][0]:
        clause = clause.bindparams(bindparam("since", type_=PatientVisits.last_visit_at.type))
    return clause.columns(*ROW)


@cache
def indexed(words: int, descending: bool, window: VisitWindow) -> TextualSelect:
    """A page from the trigram index (``:match``, the words ``:w0``..)."""
    order = "DESC" if descending else "ASC"
    visits = (
        " LEFT OUTER JOIN patient_visits ON patient_visits.user_id = patient_search_rows.user_id"
        if WINDOWS[window][0]
        else ""
    )
    sql = f"""SELECT {_COLUMNS}
FROM (SELECT patient_search_rows.user_id AS user_id, patient_search_rows.id AS id
      FROM patient_search JOIN patient_search_rows ON patient_search_rows.id = patient_search.rowid
      {visits}
      WHERE patient_search MATCH :match{_checks("patient_search_rows.search_key", words)}
      {_window_sql(window)}
      ORDER BY patient_search.rowid {order} LIMIT :limit OFFSET :offset) AS page
JOIN users ON users.user_id = page.user_id
LEFT OUTER JOIN patient_visits ON patient_visits.user_id = users.user_id
WHERE coalesce(users.role, '') = 'patient'
ORDER BY page.id {order}"""
    return _typed(sql, window)


@cache
def walked(words: int, descending: bool, window: VisitWindow) -> TextualSelect:
    """A page from the walk of the name index (the words ``:w0``..)."""
    order = "DESC" if descending else "ASC"
    sql = f"""SELECT {_COLUMNS}
FROM users LEFT OUTER JOIN patient_visits ON patient_visits.user_id = users.user_id
WHERE users.role = 'patient'{_checks("users.search_key", words)}{_window_sql(window)}
ORDER BY users.last_name {order}, users.first_name {order}, users.user_id {order}
LIMIT :limit OFFSET :offset"""
    return _typed(sql, window)


def page(
    session: Session,
    *,
    words: Sequence[str],
    narrowed: str | None,
    descending: bool,
    window: VisitWindow,
    now: datetime,
    offset: int,
    limit: int,
) -> Sequence[Any]:
    """Rows of the list by name, ``narrowed`` by the trigram index's query when there is one."""
    if narrowed == NOTHING:
        return []
    params: dict[str, Any] = {f"w{i}": folded(w) for i, w in enumerate(words)}
    params.update(offset=offset, limit=limit)
    days = WINDOWS[window][1]
    if days:
        params["since"] = now - timedelta(days=days)
    if narrowed is not None:
        params["match"] = narrowed
        stmt = indexed(len(words), descending, window)
    else:
        stmt = walked(len(words), descending, window)
    return session.execute(stmt, params).all()
