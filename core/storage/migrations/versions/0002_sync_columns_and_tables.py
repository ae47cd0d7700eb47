"""Sync: clocks on every synced row, the outbox, captured batches, sync state and conflicts.

Rows that existed before are queued in the outbox with a zero clock, so a device that starts
syncing later sends everything it already holds, and any newer write elsewhere wins.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ZERO_CLOCK = "0000000000000-000000-0"
SYNCED = {
    "users": "user_id",
    "images": "sha256",
    "skin_analysis_results": "analysis_id",
    "audit_events": "event_id",
    "consent_records": "consent_id",
    "clinician_notes": "note_id",
}


def upgrade() -> None:
    op.create_table(
        "sync_batches",
        sa.Column("batch_key", sa.String(length=36), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch_key", name=op.f("pk_sync_batches")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("conflict_id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id", name=op.f("pk_sync_conflicts")),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("hlc", sa.String(length=48), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
    )
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hlc", sa.String(length=48), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("field_clocks", JSON_TYPE, nullable=False, server_default="{}")
        )

    with op.batch_alter_table("clinician_notes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hlc", sa.String(length=48), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("field_clocks", JSON_TYPE, nullable=False, server_default="{}")
        )

    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hlc", sa.String(length=48), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("field_clocks", JSON_TYPE, nullable=False, server_default="{}")
        )

    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hlc", sa.String(length=48), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("field_clocks", JSON_TYPE, nullable=False, server_default="{}")
        )

    with op.batch_alter_table("skin_analysis_results", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hlc", sa.String(length=48), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("field_clocks", JSON_TYPE, nullable=False, server_default="{}")
        )

    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hlc", sa.String(length=48), nullable=False, server_default="")
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hlc", sa.String(length=48), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("field_clocks", JSON_TYPE, nullable=False, server_default="{}")
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("field_clocks")
        batch_op.drop_column("hlc")

    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.drop_column("hlc")

    with op.batch_alter_table("skin_analysis_results", schema=None) as batch_op:
        batch_op.drop_column("field_clocks")
        batch_op.drop_column("hlc")

    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.drop_column("field_clocks")
        batch_op.drop_column("hlc")

    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_column("field_clocks")
        batch_op.drop_column("hlc")

    with op.batch_alter_table("clinician_notes", schema=None) as batch_op:
        batch_op.drop_column("field_clocks")
        batch_op.drop_column("hlc")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("field_clocks")
        batch_op.drop_column("hlc")

    op.drop_table("sync_state")
    op.drop_table("sync_outbox")
    op.drop_table("sync_conflicts")
    op.drop_table("sync_batches")
