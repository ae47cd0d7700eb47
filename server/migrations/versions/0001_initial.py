"""Initial server schema: clinics, devices, enrollment codes, used token ids, idempotency keys,
merged records (with the pull sequence) and image uploads.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_clinics")),
        sa.UniqueConstraint("name", name=op.f("uq_clinics_name")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("device_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False
    )
    op.create_table(
        "server_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_server_identity_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_identity")),
    )
    op.create_table(
        "used_jtis",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("jti", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "jti", name=op.f("pk_used_jtis")),
    )
    op.create_index(op.f("ix_used_jtis_expires_at"), "used_jtis", ["expires_at"], unique=False)
    op.create_table(
        "blobs",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("upload_offset", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.clinic_id"], name=op.f("fk_blobs_clinic_id_clinics")
        ),
        sa.PrimaryKeyConstraint("clinic_id", "sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "devices",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column(
            "enrolled_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.clinic_id"], name=op.f("fk_devices_clinic_id_clinics")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_devices")),
        sa.UniqueConstraint("public_key", name=op.f("uq_devices_public_key")),
    )
    op.execute(sa.schema.CreateSequence(sa.Sequence("record_seq")))
    op.create_table(
        "records",
        sa.Column("record_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("fields", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("clocks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column(
            "server_seq",
            sa.BigInteger(),
            server_default=sa.text("nextval('record_seq')"),
            nullable=False,
        ),
        sa.Column("last_device_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.clinic_id"], name=op.f("fk_records_clinic_id_clinics")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_records")),
        sa.UniqueConstraint("clinic_id", "entity", "entity_id", name="uq_records_row"),
    )
    op.create_index("ix_records_pull", "records", ["clinic_id", "server_seq"], unique=True)
    op.create_index("ix_records_subject", "records", ["clinic_id", "subject_id"], unique=False)
    op.create_index(
        "uq_records_email",
        "records",
        ["clinic_id", "email_key"],
        unique=True,
        postgresql_where=sa.text("email_key IS NOT NULL"),
    )
    op.create_index(
        "uq_records_entity_id",
        "records",
        ["entity", "entity_id"],
        unique=True,
        postgresql_where=sa.text("entity <> 'images'"),
    )
    op.create_table(
        "enrollment_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.clinic_id"], name=op.f("fk_enrollment_codes_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.device_id"], name=op.f("fk_enrollment_codes_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_enrollment_codes")),
    )


def downgrade() -> None:
    op.drop_table("enrollment_codes")
    op.drop_index(
        "uq_records_entity_id", table_name="records", postgresql_where=sa.text("entity <> 'images'")
    )
    op.drop_index(
        "uq_records_email", table_name="records", postgresql_where=sa.text("email_key IS NOT NULL")
    )
    op.drop_index("ix_records_subject", table_name="records")
    op.drop_index("ix_records_pull", table_name="records")
    op.drop_table("records")
    op.execute(sa.schema.DropSequence(sa.Sequence("record_seq")))
    op.drop_table("devices")
    op.drop_table("blobs")
    op.drop_index(op.f("ix_used_jtis_expires_at"), table_name="used_jtis")
    op.drop_table("used_jtis")
    op.drop_table("server_identity")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("clinics")
