"""SQLite only: a trigram full-text index over each patient's search key, so that a search for a
rare text ("lovelace.4830", a misspelling) finds its few patients at once instead of walking the
100,000 entries of ``ix_users_role_name`` (73 ms under load; issue 10).

``patient_search_rows`` holds one narrow row per patient (a stable integer id, the user id, the
names the list sorts by, the search key): sorting 10,000 candidates by name reads this table, not
the wide ``users`` rows. ``patient_search`` is an FTS5 table over it (external content: the text
is stored once, in ``patient_search_rows``; ``detail=none``: which rows hold a trigram, not where,
the search re-checks every candidate with ``instr`` anyway). Triggers keep both in the same
transaction as any write to ``users`` (the desktop, an import, a sync pull).

Erasure: deleting a patient deletes their row (``secure_delete`` overwrites it) and runs FTS5
``optimize``, which rewrites the index without the deleted entries (a 'delete' alone only adds a
marker; the old trigrams would stay in older segments until a merge).

PostgreSQL keeps its plain substring search (nothing to create there).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ADD_ROW = """
    INSERT INTO patient_search_rows (user_id, last_name, first_name, search_key)
    SELECT NEW.user_id, NEW.last_name, NEW.first_name, NEW.search_key WHERE NEW.role = 'patient';
"""
STATEMENTS = (
    """
    CREATE TABLE patient_search_rows (
        id INTEGER PRIMARY KEY,
        user_id CHAR(32) NOT NULL UNIQUE,
        last_name VARCHAR(100) NOT NULL,
        first_name VARCHAR(100) NOT NULL,
        search_key TEXT NOT NULL
    )
    """,
    """
    CREATE VIRTUAL TABLE patient_search USING fts5(
        search_key, content='patient_search_rows', content_rowid='id',
        tokenize='trigram case_sensitive 1', detail='none'
    )
    """,
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
    """
    INSERT INTO patient_search_rows (user_id, last_name, first_name, search_key)
    SELECT user_id, last_name, first_name, search_key FROM users WHERE role = 'patient'
    """,
    "INSERT INTO patient_search (patient_search) VALUES ('rebuild')",
)
TRIGGERS = (
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
    op.execute("DROP TABLE IF EXISTS patient_search")
    op.execute("DROP TABLE IF EXISTS patient_search_rows")
