"""The key of the server's proofs of sign-in (admin grants), one per server database.

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
    op.add_column("server_identity", sa.Column("grant_secret", sa.String(length=128)))


def downgrade() -> None:
    op.drop_column("server_identity", "grant_secret")
