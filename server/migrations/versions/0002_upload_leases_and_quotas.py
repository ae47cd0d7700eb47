"""Upload leases and last activity (no row lock while a body streams), per-clinic image quotas, and
the removal of image rows whose id is not a SHA-256 (they stalled every device's pull).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("blobs", sa.Column("writer", sa.Uuid(), nullable=True))
    op.add_column("blobs", sa.Column("writer_device", sa.Uuid(), nullable=True))
    op.add_column("blobs", sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE blobs SET last_activity_at = coalesce(completed_at, created_at)")
    op.add_column("clinics", sa.Column("quota_bytes", sa.BigInteger(), nullable=True))
    # Accepted before digests were validated: an image row keyed by anything but 64 hex digits
    # cannot be pulled by any device. Analyses naming such a digest lose that reference.
    op.execute("DELETE FROM records WHERE entity = 'images' AND entity_id !~ '^[0-9a-f]{64}$'")
    for column in ("image_sha256", "thumbnail_sha256"):
        op.execute(
            f"UPDATE records SET fields = jsonb_set(fields, '{{{column}}}', 'null'::jsonb), "
            "server_seq = nextval('record_seq') "
            f"WHERE entity = 'skin_analysis_results' AND jsonb_typeof(fields->'{column}') = "
            f"'string' AND fields->>'{column}' !~ '^[0-9a-f]{{64}}$'"
        )


def downgrade() -> None:
    op.drop_column("clinics", "quota_bytes")
    op.drop_column("blobs", "last_activity_at")
    op.drop_column("blobs", "writer_device")
    op.drop_column("blobs", "writer")
