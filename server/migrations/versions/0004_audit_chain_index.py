"""An index to check pushed audit events link by link: (clinic, device, sequence).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_records_audit_chain",
        "records",
        ["clinic_id", sa.text("(fields->>'device_id')"), sa.text("(fields->>'chain_seq')")],
        unique=False,
        postgresql_where=sa.text("entity = 'audit_events'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_records_audit_chain",
        table_name="records",
        postgresql_where=sa.text("entity = 'audit_events'"),
    )
