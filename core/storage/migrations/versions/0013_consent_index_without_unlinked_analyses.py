"""The index on an analysis's consent holds only the analyses that have one.

It exists for the foreign key: deleting a consent record sets ``consent_id`` to NULL on the
analyses taken under it, and SQLite and PostgreSQL find them through this index (``consent_id =
?``, which a NULL never matches). Analyses saved on the desktop or imported have no consent record,
yet each one wrote an entry (NULL, rowid) into it: on SQLite, in the middle of the index (the rowids
are the patient's place, migration 0010), an index page read and written on every save, split when
full, and on an encrypted database every one of those pages is decrypted or encrypted and
authenticated (docs/benchmarks.md, "Saving an analysis, encrypted"). A partial index leaves them
out; the lookups the foreign key makes use it as before (tested through the query plan and a
consent deleted). Kiosk analyses, which carry their consent, are indexed as before.

No row changes: only the index is built again, from the table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "skin_analysis_results"
INDEX = "ix_skin_analysis_results_consent_id"
LINKED = "consent_id IS NOT NULL"


def upgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(
        INDEX,
        TABLE,
        ["consent_id"],
        sqlite_where=text(LINKED),
        postgresql_where=text(LINKED),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, ["consent_id"])
