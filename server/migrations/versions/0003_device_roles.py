"""Device roles (kiosk, workstation, admin), chosen on the enrollment code and kept with the device,
and the device that created each record (a kiosk may change only what it created).

Devices enrolled before roles existed become kiosks, the least trusted role: give a device more
with ``skinlab server set-role``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE_CHECK = "role IN ('kiosk', 'workstation', 'admin')"


def upgrade() -> None:
    for table in ("devices", "enrollment_codes"):
        op.add_column(
            table,
            sa.Column("role", sa.String(length=16), server_default="kiosk", nullable=False),
        )
        op.create_check_constraint(op.f(f"ck_{table}_role"), table, ROLE_CHECK)
    op.add_column("records", sa.Column("created_device_id", sa.Uuid(), nullable=True))
    op.execute("UPDATE records SET created_device_id = last_device_id")


def downgrade() -> None:
    op.drop_column("records", "created_device_id")
    for table in ("enrollment_codes", "devices"):
        op.drop_constraint(op.f(f"ck_{table}_role"), table, type_="check")
        op.drop_column(table, "role")
