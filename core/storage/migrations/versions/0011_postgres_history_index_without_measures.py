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
from sqlalchemy.exc import DBAPIError

from core.errors import DowngradeRefusedError

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


PROGRAM_LIMIT_EXCEEDED = "54000"  # PostgreSQL's SQLSTATE for an index entry over its limit


def downgrade() -> None:
    """Refused, with nothing changed, when a stored measures document is too large for the old
    covering index: PostgreSQL cannot build it."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():  # a failed CREATE INDEX leaves the transaction usable
            op.create_index(COVERING, TABLE, [*COLUMNS, "metrics"])
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != PROGRAM_LIMIT_EXCEEDED:
            raise
        raise DowngradeRefusedError(
            "The database cannot go back to schema 0010: an analysis's measures are too large "
            "for that schema's history index, which holds them (PostgreSQL limits an index entry "
            f"to ~2.7 KB; {str(exc.orig).splitlines()[0]}). Nothing was changed: keep this "
            "schema, or run the older SkinLab against a copy without those analyses."
        ) from exc
    op.drop_index(VISITS, table_name=TABLE)
