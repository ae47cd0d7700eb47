"""PostgreSQL only: the history index without the measures. A B-tree entry there may not exceed
~2.7 KB (after compression), so the covering index of migration 0008, which holds the measures'
JSON, refused to store an analysis with a large measures document. The new index has the same
columns but the measures; a history reads them from the table (PostgreSQL does not decrypt
pages, the reason the covering index exists on SQLite).

SQLite keeps its covering index: it stores entries of any size (on overflow pages).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "skin_analysis_results"
COVERING = "ix_skin_analysis_results_user_history"
VISITS = "ix_skin_analysis_results_user_visits"
COLUMNS = [
    "user_id",
    "created_at",
    "analysis_id",
    "skin_score",
    "engine_version",
    "image_sha256",
    "thumbnail_sha256",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(VISITS, TABLE, COLUMNS)
    op.drop_index(COVERING, table_name=TABLE)


def downgrade() -> None:
    """Fails if a stored measures document is too large for the old index (nothing changes then)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(COVERING, TABLE, [*COLUMNS, "metrics"])
    op.drop_index(VISITS, table_name=TABLE)
