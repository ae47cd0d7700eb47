"""SQLite only: a trigram full-text index over each patient's search key, so that a search for a
rare text ("lovelace.4830", a misspelling) finds its few patients at once instead of walking the
100,000 entries of ``ix_users_role_name`` (73 ms under load; issue 10).

``patient_search_rows`` holds one narrow row per patient (an integer id in name order, the user
id, the names, the search key). ``patient_search`` is an FTS5 table over it (external content: the
text is stored once, in ``patient_search_rows``; ``detail=none``: which rows hold a trigram, not
where; the search re-checks every candidate with ``instr`` anyway), ``patient_search_terms`` its
vocabulary (for words shorter than a trigram). Triggers keep them in the same transaction as any
write to ``users`` (the desktop, an import, a sync pull).

Erasure: deleting a patient deletes their row (``secure_delete`` overwrites it) and runs FTS5
``optimize``, which rewrites the index without the deleted entries (a 'delete' alone only adds a
marker; the old trigrams would stay in older segments until a merge).

PostgreSQL keeps its plain substring search (nothing to create there).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids follow the name order (last name, first name, user id) with gaps between them, so the index
# hands out its matches already in list order and a page stops after its rows. A new patient takes
# the middle of the gap between their neighbours (or a step past the end); when no gap is left,
# every id is spread out again over the whole range and the index rebuilt (seconds at 100,000
# patients; needs about 60 new names between the same two neighbours).
TOP = 1 << 62
STEP = 1 << 40
_KEY = "(last_name, first_name, user_id)"
_NEW_KEY = "(NEW.last_name, NEW.first_name, NEW.user_id)"
_NEIGHBOURS = f"""(
    SELECT
        (SELECT id FROM patient_search_rows WHERE {_KEY} < {_NEW_KEY}
         ORDER BY last_name DESC, first_name DESC, user_id DESC LIMIT 1) AS before,
        (SELECT id FROM patient_search_rows WHERE {_KEY} > {_NEW_KEY}
         ORDER BY last_name, first_name, user_id LIMIT 1) AS after
)"""
_ID = f"""CASE
    WHEN before IS NULL AND after IS NULL THEN {TOP // 2}
    WHEN after IS NULL THEN before + min({STEP}, ({TOP} - before) / 2)
    WHEN before IS NULL THEN after - min({STEP}, after / 2)
    ELSE before + (after - before) / 2
END"""
_ROOM = f"({_ID}) > coalesce(before, 0) AND ({_ID}) < coalesce(after, {TOP} + 1)"
SPREAD = f"""
    CREATE TRIGGER trg_patient_search_spread AFTER INSERT ON patient_search_state
    BEGIN
        UPDATE patient_search_rows SET id = -ranked.n
        FROM (SELECT id AS old, row_number() OVER (ORDER BY {_KEY[1:-1]}) AS n
              FROM patient_search_rows) AS ranked
        WHERE patient_search_rows.id = ranked.old;
        UPDATE patient_search_rows
        SET id = -id * ({TOP} / ((SELECT count(*) FROM patient_search_rows) + 1)) WHERE id < 0;
        INSERT INTO patient_search (patient_search) VALUES ('rebuild');
        DELETE FROM patient_search_state;
    END
"""
_ADD_ROW = f"""
    INSERT INTO patient_search_state (spread)
    SELECT 1 FROM {_NEIGHBOURS} WHERE NEW.role = 'patient' AND NOT ({_ROOM});
    INSERT INTO patient_search_rows (id, user_id, last_name, first_name, search_key)
    SELECT {_ID}, NEW.user_id, NEW.last_name, NEW.first_name, NEW.search_key || '  '
    FROM {_NEIGHBOURS} WHERE NEW.role = 'patient';
"""
STATEMENTS = (
    # The key ends with two spaces (words never hold one), so every occurrence of a word of one
    # or two characters starts a trigram: the index finds those too (by the trigrams they start).
    """
    CREATE TABLE patient_search_rows (
        id INTEGER PRIMARY KEY,
        user_id CHAR(32) NOT NULL UNIQUE,
        last_name VARCHAR(100) NOT NULL,
        first_name VARCHAR(100) NOT NULL,
        search_key TEXT NOT NULL
    )
    """,
    "CREATE INDEX ix_patient_search_rows_name ON patient_search_rows "
    "(last_name, first_name, user_id)",
    # A row here (only when a gap has run out) spreads the ids out again.
    "CREATE TABLE patient_search_state (spread INTEGER NOT NULL)",
    SPREAD,
    """
    CREATE VIRTUAL TABLE patient_search USING fts5(
        search_key, content='patient_search_rows', content_rowid='id',
        tokenize='trigram case_sensitive 1', detail='none'
    )
    """,
    "CREATE VIRTUAL TABLE patient_search_terms USING fts5vocab(patient_search, row)",
    """
    CREATE TRIGGER trg_patient_search_rows_insert AFTER INSERT ON patient_search_rows
    BEGIN
        INSERT INTO patient_search (rowid, search_key) VALUES (NEW.id, NEW.search_key);
    END
    """,
    """
    CREATE TRIGGER trg_patient_search_rows_delete AFTER DELETE ON patient_search_rows
    BEGIN
        INSERT INTO patient_search (patient_search, rowid, search_key)
        VALUES ('delete', OLD.id, OLD.search_key);
    END
    """,
    f"""
    CREATE TRIGGER trg_patient_search_insert AFTER INSERT ON users
    BEGIN {_ADD_ROW} END
    """,
    f"""
    CREATE TRIGGER trg_patient_search_update
    AFTER UPDATE OF user_id, first_name, last_name, email, role ON users
    BEGIN
        DELETE FROM patient_search_rows WHERE user_id = OLD.user_id;
        {_ADD_ROW}
    END
    """,
    """
    CREATE TRIGGER trg_patient_search_delete AFTER DELETE ON users
    WHEN OLD.role = 'patient'
    BEGIN
        DELETE FROM patient_search_rows WHERE user_id = OLD.user_id;
        INSERT INTO patient_search (patient_search) VALUES ('optimize');
    END
    """,
    f"""
    INSERT INTO patient_search_rows (id, user_id, last_name, first_name, search_key)
    SELECT row_number() OVER (ORDER BY {_KEY[1:-1]})
           * ({TOP} / ((SELECT count(*) FROM users WHERE role = 'patient') + 1)),
           user_id, last_name, first_name, search_key || '  '
    FROM users WHERE role = 'patient'
    """,
    "INSERT INTO patient_search (patient_search) VALUES ('rebuild')",
)
TRIGGERS = (
    "trg_patient_search_spread",
    "trg_patient_search_delete",
    "trg_patient_search_update",
    "trg_patient_search_insert",
    "trg_patient_search_rows_delete",
    "trg_patient_search_rows_insert",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in ("patient_search_terms", "patient_search", "patient_search_state"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP TABLE IF EXISTS patient_search_rows")  # its index goes with it
