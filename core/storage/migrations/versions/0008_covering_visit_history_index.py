"""A patient's visit history read from one index: the index on (user_id, created_at) becomes a
covering index that also holds the columns the history shows (id, score, engine version, photo and
thumbnail digests, the measures). A patient's analyses are spread through the table in the order
they were taken, one table page each; read through this index, 50 visits sit on a handful of
adjacent pages. On an encrypted database every page read is decrypted and its HMAC checked, so
pages not read are the cheapest (docs/benchmarks.md, "Storage: encryption at rest").

The new index has the old one's leading columns, so it serves every lookup the old one did (the
visit-summary triggers' recounts among them).

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

TABLE = "skin_analysis_results"
OLD = "ix_skin_analysis_results_user_created"
NEW = "ix_skin_analysis_results_user_history"
COLUMNS = [
    "user_id",
    "created_at",
    "analysis_id",
    "skin_score",
    "engine_version",
    "image_sha256",
    "thumbnail_sha256",
    "metrics",
]


def upgrade() -> None:
    op.create_index(NEW, TABLE, COLUMNS)
    op.drop_index(OLD, table_name=TABLE)


def downgrade() -> None:
    op.create_index(OLD, TABLE, ["user_id", "created_at"])
    op.drop_index(NEW, table_name=TABLE)
