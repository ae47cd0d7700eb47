"""SQLite only: a patient's new analysis is written at its place among their others, instead of
being appended to the end of the table and then moved there by the clustering trigger.

Since migration 0010 each patient owns a block of rowids, and the trigger (migration 0012) moves
every new row to just after the last row of the patient's block. A move is an UPDATE of the rowid:
the row is written at the end of the table, deleted there, written again at its place, and every
index entry of it is deleted and inserted again. On an encrypted database every page written is
encrypted and authenticated, so the move's extra pages cost more there (docs/benchmarks.md,
"Saving an analysis, encrypted: inserted at its place").

Here the app's INSERT of one analysis names its rowid: the same place the trigger would choose,
looked up inside the INSERT itself (two seeks on pages the insert then writes). The trigger stays
the one authority: it still runs after every insert, finds the row already at its place, and
leaves it. Whatever this does not place is placed by the trigger as before: a patient's first
analysis and a full block (the subquery gives NULL, so SQLite picks the rowid), several rows in
one statement, and any INSERT not written by the ORM (sync merges, raw SQL).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, event

TABLE = "skin_analysis_results"
SLOT = 1 << 20  # a patient's block of rowids (migration 0010)
_PREFIX = f"INSERT INTO {TABLE} ("
_VALUES = ") VALUES ("

# The rowid the trigger would move the new row to, or NULL (SQLite picks one, the trigger moves
# it): after the last row of the block that holds the patient's newest row, unless that is the
# first id of the next block (the block is full). One parameter: the new row's user_id.
PLACE = f"""(SELECT CASE WHEN place.id % {SLOT} <> 0 AND NOT EXISTS (
        SELECT 1 FROM {TABLE} AS taken WHERE taken.rowid = place.id) THEN place.id END
    FROM (SELECT (
        SELECT last.rowid + 1 FROM {TABLE} AS last
        WHERE last.rowid > block.start AND last.rowid < block.start + {SLOT}
        ORDER BY last.rowid DESC LIMIT 1) AS id
        FROM (SELECT (
            SELECT newest.rowid FROM {TABLE} AS newest WHERE newest.user_id IS ?
            ORDER BY newest.created_at DESC LIMIT 1) / {SLOT} * {SLOT} AS start) AS block
    ) AS place)"""


@lru_cache(maxsize=16)
def placed(statement: str) -> tuple[str, int] | None:
    """The statement with the rowid placed, and where its user_id parameter is; None when it is
    not the single-row INSERT of an analysis the ORM writes (then it runs as it is)."""
    if not statement.startswith(_PREFIX):
        return None
    columns_text, found, values = statement[len(_PREFIX) :].partition(_VALUES)
    columns = [column.strip() for column in columns_text.split(",")]
    marks = ", ".join("?" * len(columns)) + ")"
    if not found or "user_id" not in columns or "rowid" in columns:
        return None
    if values != marks and not values.startswith(marks + " RETURNING "):
        return None  # several rows in one statement, or values not bound
    return f"{_PREFIX}rowid, {columns_text}{_VALUES}{PLACE}, {values}", columns.index("user_id")


def place(
    _conn: Any,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    if executemany or not statement.startswith(_PREFIX) or not isinstance(parameters, tuple):
        return statement, parameters
    rewrite = placed(statement)
    if rewrite is None:
        return statement, parameters
    text, user = rewrite
    return text, (parameters[user], *parameters)


def install(engine: Engine) -> None:
    """Place new analyses on this SQLite engine (plain or SQLCipher)."""
    event.listen(engine, "before_cursor_execute", place, retval=True)
