"""The server's tables (SQLAlchemy 2 typed models, PostgreSQL only).

Synced rows are stored generically in :class:`Record` (fields and per-column clocks as JSONB): the
server merges by the protocol's rule and never needs the devices' column types.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from core.storage.models import NAMING  # one constraint-naming scheme for both schemas


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Every write to a record takes the next number: pull pages follow it.
RECORD_SEQ = Sequence("record_seq", metadata=Base.metadata)


def _now() -> MappedColumn[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class ServerIdentity(Base):
    """One row: the id devices put in their tokens' ``aud``, stable across restarts and workers."""

    __tablename__ = "server_identity"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    created_at: Mapped[datetime] = _now()
    # The HMAC key of the proofs of sign-in the server issues (server/grants.py); made at start.
    grant_secret: Mapped[str | None] = mapped_column(String(128))


class Clinic(Base):
    __tablename__ = "clinics"

    clinic_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    created_at: Mapped[datetime] = _now()
    # Bytes of images the clinic may hold; None: the server's default (ServerSettings).
    quota_bytes: Mapped[int | None] = mapped_column(BigInteger)


DEVICE_ROLE_CHECK = "role IN ('kiosk', 'workstation', 'admin')"


class Device(Base):
    """An enrolled device. Its role (server.rules) decides what it may push and what it pulls."""

    __tablename__ = "devices"
    __table_args__ = (CheckConstraint(DEVICE_ROLE_CHECK, name="role"),)

    device_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.clinic_id"), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, server_default="kiosk")
    enrolled_at: Mapped[datetime] = _now()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EnrollmentCode(Base):
    """A one-time code, stored as its SHA-256 only (a database dump gives no usable code)."""

    __tablename__ = "enrollment_codes"
    __table_args__ = (CheckConstraint(DEVICE_ROLE_CHECK, name="role"),)

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.clinic_id"), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, server_default="kiosk")
    created_at: Mapped[datetime] = _now()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.device_id"))


class UsedJti(Base):
    """Token ids already seen, kept until the token would have expired anyway."""

    __tablename__ = "used_jtis"

    device_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    jti: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RateLimitBucket(Base):
    """The state of one rate-limit bucket (a device's, or enrollment's), shared by every worker
    and host: pyrate-limiter's token bucket keeps one number per rate, its next-free time in
    microseconds (server/ratelimit.py). A row whose times have all passed means a full bucket.

    UNLOGGED: no write-ahead log, so a check waits for no disk flush; after a crash of PostgreSQL
    (or on a promoted standby) the table is empty, and every bucket starts full again."""

    __tablename__ = "rate_limit_buckets"
    __table_args__ = ({"prefixes": ["UNLOGGED"]},)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), nullable=False)
    updated_at: Mapped[datetime] = _now()


class IdempotencyKey(Base):
    """The answer to a push, replayed for the same key and body (kept 7 days)."""

    __tablename__ = "idempotency_keys"

    device_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    response: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False, index=True
    )


class Record(Base):
    """The merged state of one synced row of one clinic (a tombstone when ``deleted``)."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("clinic_id", "entity", "entity_id", name="uq_records_row"),
        # UUID-keyed rows belong to one clinic; images are content-addressed per clinic, so that
        # one clinic cannot learn that another holds the same photo.
        Index(
            "uq_records_entity_id",
            "entity",
            "entity_id",
            unique=True,
            postgresql_where=text("entity <> 'images'"),
        ),
        Index("ix_records_pull", "clinic_id", "server_seq", unique=True),
        Index("ix_records_subject", "clinic_id", "subject_id"),
        # Audit chains are checked link by link: (device, sequence) of a clinic's audit events.
        Index(
            "ix_records_audit_chain",
            "clinic_id",
            text("(fields->>'device_id')"),
            text("(fields->>'chain_seq')"),
            postgresql_where=text("entity = 'audit_events'"),
        ),
        Index(
            "uq_records_email",
            "clinic_id",
            "email_key",
            unique=True,
            postgresql_where=text("email_key IS NOT NULL"),
        ),
    )

    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.clinic_id"), nullable=False)
    entity: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    clocks: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    hlc: Mapped[str] = mapped_column(String(64), nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The user a dependant row names (SUBJECT_COLUMNS), so an erasure finds its dependants.
    subject_id: Mapped[str | None] = mapped_column(String(64))
    # Lower-cased email of a live user: the database enforces one per clinic.
    email_key: Mapped[str | None] = mapped_column(String(320))
    server_seq: Mapped[int] = mapped_column(
        BigInteger, RECORD_SEQ, server_default=RECORD_SEQ.next_value(), nullable=False
    )
    last_device_id: Mapped[uuid.UUID | None] = mapped_column()
    # The device that first pushed the row: a kiosk may change only what it created.
    created_device_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


class Blob(Base):
    """An image upload of one clinic: complete once its bytes match its SHA-256."""

    __tablename__ = "blobs"

    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.clinic_id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[int] = mapped_column(BigInteger, nullable=False)
    upload_offset: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    path: Mapped[str] = mapped_column(String(512), nullable=False)
    created_at: Mapped[datetime] = _now()
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The request appending to it now (a lease, so no row lock is held while a body streams)
    # and when it last received bytes: an upload idle too long is taken over or swept.
    writer: Mapped[uuid.UUID | None] = mapped_column()
    writer_device: Mapped[uuid.UUID | None] = mapped_column()
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
