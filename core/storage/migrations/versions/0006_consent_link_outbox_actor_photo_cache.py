"""Sync and privacy: every analysis names the consent it was taken under (and is synced only when
that consent allows it), outbox rows name the signed-in user who made the change, and photos
fetched on demand are tracked so that the cache follows the retention rules.

Existing analyses are linked to the consent their person had given by the time they were taken
(the newest one recorded at or before the analysis); guest captures and analyses taken before any
consent stay unlinked, and so stay on their device.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("skin_analysis_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_skin_analysis_results_consent_id"), ["consent_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_skin_analysis_results_consent_id_consent_records"),
            "consent_records",
            ["consent_id"],
            ["consent_id"],
            ondelete="SET NULL",
        )
    op.execute(
        "UPDATE skin_analysis_results SET consent_id = ("
        " SELECT c.consent_id FROM consent_records c"
        " WHERE c.user_id = skin_analysis_results.user_id"
        " AND c.recorded_at <= skin_analysis_results.created_at"
        " ORDER BY c.recorded_at DESC LIMIT 1"
        ") WHERE user_id IS NOT NULL"
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_id", sa.String(length=36), nullable=True))
    op.create_table(
        "photo_cache",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_photo_cache")),
    )


def downgrade() -> None:
    op.drop_table("photo_cache")
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_column("actor_id")
    with op.batch_alter_table("skin_analysis_results", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_skin_analysis_results_consent_id_consent_records"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_skin_analysis_results_consent_id"))
        batch_op.drop_column("consent_id")
