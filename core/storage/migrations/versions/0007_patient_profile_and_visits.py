"""Patient profile fields for the desktop (birth year, Fitzpatrick type, three preferences), a
generated lower-case search key with the index the patient list walks, and ``patient_visits``:
first/last visit and count per patient, kept by triggers from ``skin_analysis_results`` so that
any writer (kiosk, import, sync) updates it.

Columns are added with plain ``ALTER TABLE ... ADD COLUMN``, never by rebuilding ``users``: on
SQLite a rebuild drops the table, and with foreign keys on, that cascades to every analysis.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.storage.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAGS = ("fragrance_free", "pregnancy", "sensitive_skin")
SEARCH_KEY_SQL = "lower(first_name || ' ' || last_name || ' ' || email)"
ANALYSES = "skin_analysis_results"

# SQLite: an insert adds to the running figures (cheap on bulk loads); a delete or a move
# recounts the patient from the index on (user_id, created_at).
_SQLITE_RECOUNT = """
    DELETE FROM patient_visits WHERE user_id = {who};
    INSERT INTO patient_visits (user_id, first_visit_at, last_visit_at, visit_count)
        SELECT user_id, min(created_at), max(created_at), count(*)
        FROM skin_analysis_results WHERE user_id = {who} GROUP BY user_id;
"""
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER trg_patient_visits_insert AFTER INSERT ON skin_analysis_results
    WHEN NEW.user_id IS NOT NULL
    BEGIN
        INSERT INTO patient_visits (user_id, first_visit_at, last_visit_at, visit_count)
        VALUES (NEW.user_id, NEW.created_at, NEW.created_at, 1)
        ON CONFLICT (user_id) DO UPDATE SET
            first_visit_at = min(first_visit_at, excluded.first_visit_at),
            last_visit_at = max(last_visit_at, excluded.last_visit_at),
            visit_count = visit_count + 1;
    END
    """,
    f"""
    CREATE TRIGGER trg_patient_visits_delete AFTER DELETE ON skin_analysis_results
    WHEN OLD.user_id IS NOT NULL
    BEGIN {_SQLITE_RECOUNT.format(who="OLD.user_id")} END
    """,
    f"""
    CREATE TRIGGER trg_patient_visits_update AFTER UPDATE OF user_id, created_at
    ON skin_analysis_results
    BEGIN
        {_SQLITE_RECOUNT.format(who="OLD.user_id")}
        {_SQLITE_RECOUNT.format(who="NEW.user_id")}
    END
    """,
)

POSTGRES_FUNCTION = """
CREATE FUNCTION patient_visits_recount(who uuid) RETURNS void AS $$
BEGIN
    IF who IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM patient_visits WHERE user_id = who;
    INSERT INTO patient_visits (user_id, first_visit_at, last_visit_at, visit_count)
        SELECT user_id, min(created_at), max(created_at), count(*)
        FROM skin_analysis_results WHERE user_id = who GROUP BY user_id;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION patient_visits_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM patient_visits_recount(OLD.user_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        IF TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            PERFORM patient_visits_recount(NEW.user_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_patient_visits AFTER INSERT OR DELETE OR UPDATE OF user_id, created_at
ON skin_analysis_results FOR EACH ROW EXECUTE FUNCTION patient_visits_trigger();
"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("users", sa.Column("birth_year", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("fitzpatrick_type", sa.Integer(), nullable=True))
    for flag in FLAGS:
        op.add_column(
            "users", sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # SQLite computes it when read (and stores it in the index); PostgreSQL before 18 only has
    # stored generated columns.
    op.add_column(
        "users",
        sa.Column("search_key", sa.Text(), sa.Computed(SEARCH_KEY_SQL, persisted=not sqlite)),
    )
    op.create_index(
        "ix_users_role_name", "users", ["role", "last_name", "first_name", "user_id", "search_key"]
    )
    op.create_table(
        "patient_visits",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("first_visit_at", UTCDateTime(), nullable=False),
        sa.Column("last_visit_at", UTCDateTime(), nullable=False),
        sa.Column("visit_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_patient_visits")),
    )
    op.create_index("ix_patient_visits_last", "patient_visits", ["last_visit_at", "user_id"])
    op.execute(
        "INSERT INTO patient_visits (user_id, first_visit_at, last_visit_at, visit_count) "
        "SELECT user_id, min(created_at), max(created_at), count(*) FROM skin_analysis_results "
        "WHERE user_id IS NOT NULL GROUP BY user_id"
    )
    if sqlite:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    else:
        op.execute(POSTGRES_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_patient_visits_{name}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS trg_patient_visits ON {ANALYSES}")
        op.execute("DROP FUNCTION IF EXISTS patient_visits_trigger()")
        op.execute("DROP FUNCTION IF EXISTS patient_visits_recount(uuid)")
    op.drop_index("ix_patient_visits_last", table_name="patient_visits")
    op.drop_table("patient_visits")
    op.drop_index("ix_users_role_name", table_name="users")
    for column in ("search_key", *reversed(FLAGS), "fitzpatrick_type", "birth_year"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")  # never a rebuild (see above)
