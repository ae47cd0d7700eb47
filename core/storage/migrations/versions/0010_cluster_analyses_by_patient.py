"""SQLite only: one patient's analyses stored together. A rowid table keeps its rows in rowid
order, and SQLite hands out rowids in insertion order, so a patient's analyses lay one per 4 KiB
page through the file: 50 of them were ~94 pages to read, each decrypted and HMAC-checked on an
encrypted database (docs/benchmarks.md, "Storage: encryption at rest").

Now each patient owns a block of rowids (a slot of ``SLOT`` ids, several for a patient with more
rows than that; guests' rows of older versions share one). Existing rows are renumbered patient
by patient, oldest first; a trigger moves every new row (the kiosk, an import, a sync pull alike)
to just after the patient's last one, or to the start of a new slot past the end of the table for
a patient's first analysis. A move that would land on a taken id (a full slot) is skipped: the
row stays where SQLite put it, stored as before; nothing is lost.

Nothing else changes: ``analysis_id`` stays the primary key (foreign keys, sync and the ORM use
it), so the table is renumbered in place, never rebuilt (on SQLite a rebuild drops the table, and
with foreign keys on that would unlink every clinician note from its analysis). Only the rowids
and the table's page layout change; the covering history index (migration 0008) is built again
afterwards, packed. Erasure is unchanged: a deleted row is overwritten (``secure_delete``), a moved
row's old copy too.

Chosen over a ``WITHOUT ROWID`` table keyed by (user_id, created_at, analysis_id): that needs a
rebuild, a NOT NULL ``user_id`` (guests' analyses of older versions have none) and a primary key
on SQLite different from the models' and PostgreSQL's.

PostgreSQL stores rows in its own heap order and has no rowid; nothing is done there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "skin_analysis_results"
# A patient's block of rowids: room for about a million analyses, and 2^43 blocks.
SLOT = 1 << 20
HISTORY = "ix_skin_analysis_results_user_history"
HISTORY_COLUMNS = (
    "user_id, created_at, analysis_id, skin_score, engine_version, image_sha256, "
    "thumbnail_sha256, metrics"
)
TRIGGER = "trg_skin_analysis_results_cluster"

# Where a new row goes: after the patient's last row, or the first id of a new slot past the end.
# Guests' rows (no patient, older versions) are kept together the same way.
_TARGET = f"""(
    SELECT coalesce(
        (SELECT max(rowid) + 1 FROM {TABLE} WHERE user_id IS NEW.user_id AND rowid <> NEW.rowid),
        ((SELECT max(rowid) FROM {TABLE}) / {SLOT} + 1) * {SLOT} + 1
    ) AS id
) AS target"""
CLUSTER_TRIGGER = f"""
    CREATE TRIGGER {TRIGGER} AFTER INSERT ON {TABLE}
    BEGIN
        UPDATE {TABLE} SET rowid = target.id
        FROM {_TARGET}
        WHERE {TABLE}.rowid = NEW.rowid
          AND target.id % {SLOT} <> 0
          AND NOT EXISTS (SELECT 1 FROM {TABLE} AS taken WHERE taken.rowid = target.id);
    END
"""

# Existing rows: each patient's block starts at a multiple of SLOT past every rowid in use (so
# the renumbering never lands on a row not yet moved), wide enough for all their rows; guests'
# rows (no patient) last. Within a block, oldest first.
RENUMBER = (
    "CREATE TEMP TABLE cluster_blocks (owner TEXT PRIMARY KEY, start INTEGER NOT NULL)",
    f"""
    INSERT INTO temp.cluster_blocks (owner, start)
    WITH owners AS (
        SELECT coalesce(user_id, '') AS owner, user_id IS NULL AS guest,
               count(*) / {SLOT} + 1 AS width
        FROM {TABLE} GROUP BY user_id
    ), base AS (
        SELECT (coalesce(max(rowid), 0) / {SLOT} + 1) * {SLOT} AS first FROM {TABLE}
    )
    SELECT owner,
           base.first
           + (sum(width) OVER (ORDER BY guest, owner ROWS UNBOUNDED PRECEDING) - width) * {SLOT}
    FROM owners CROSS JOIN base
    """,
    "CREATE TEMP TABLE cluster_map (old INTEGER PRIMARY KEY, id INTEGER NOT NULL)",
    f"""
    INSERT INTO temp.cluster_map (old, id)
    SELECT a.rowid,
           b.start
           + row_number() OVER (PARTITION BY a.user_id ORDER BY a.created_at, a.analysis_id)
    FROM {TABLE} AS a JOIN temp.cluster_blocks AS b ON b.owner = coalesce(a.user_id, '')
    """,
    f"UPDATE {TABLE} SET rowid = m.id FROM temp.cluster_map AS m WHERE {TABLE}.rowid = m.old",
    "DROP TABLE temp.cluster_map",
    "DROP TABLE temp.cluster_blocks",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP INDEX {HISTORY}")  # built again below, sorted, instead of 2 writes a row
    for statement in RENUMBER:
        op.execute(statement)
    op.execute(f"CREATE INDEX {HISTORY} ON {TABLE} ({HISTORY_COLUMNS})")
    op.execute(CLUSTER_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")  # the rows keep their ids: any order is valid
