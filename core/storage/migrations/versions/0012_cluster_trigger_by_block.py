"""SQLite only: the trigger that stores a patient's new analysis with their others (migration 0010)
finds the place in two index seeks instead of reading all of the patient's history entries.

0010's trigger asked for ``max(rowid)`` of the patient's rows. The history index is ordered by
(user_id, created_at), not by rowid, so SQLite read every one of the patient's entries to answer:
~6 more index pages a save for a patient with 60 visits, and on an encrypted database each one is
decrypted and HMAC-checked (docs/benchmarks.md, "Saving an analysis, encrypted"). Bulk loads paid
it for every row.

Now the trigger takes the patient's newest row (one seek in the history index, on the page the
insert has just written), and the last rowid in that row's block below the new row (one seek in
the table, on the page the row moves to). The rows land where 0010 put them: every row of a
patient is in one block, so the last row of the block is the patient's last row. A full block, a
first analysis and guests' rows are handled as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0010 = importlib.import_module("core.storage.migrations.versions.0010_cluster_analyses_by_patient")
TABLE: str = _0010.TABLE
SLOT: int = _0010.SLOT
TRIGGER: str = _0010.TRIGGER

# The block of the patient's newest other row (NULL for a first analysis).
_BLOCK = f"""(
    SELECT newest.rowid / {SLOT} * {SLOT} FROM {TABLE} AS newest
    WHERE newest.user_id IS NEW.user_id AND newest.rowid <> NEW.rowid
    ORDER BY newest.created_at DESC LIMIT 1
)"""
# After the last row of that block (the new row itself, at the end of the table, may lie in the
# last block: it is below the bound); or the first id of a new slot past the end of the table.
_TARGET = f"""(
    SELECT coalesce(
        (SELECT last.rowid + 1 FROM {TABLE} AS last
         WHERE last.rowid > block.start AND last.rowid < min(block.start + {SLOT}, NEW.rowid)
         ORDER BY last.rowid DESC LIMIT 1),
        ((SELECT max(rowid) FROM {TABLE}) / {SLOT} + 1) * {SLOT} + 1
    ) AS id
    FROM (SELECT {_BLOCK} AS start) AS block
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


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.execute(CLUSTER_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.execute(_0010.CLUSTER_TRIGGER)
