"""SQLAlchemy 2 typed models. Table and column names follow the seed backend.

Every row a device creates has a UUID key and created/updated times, and deleting one leaves a
:class:`Tombstone`, so that a later sync between devices can converge without losing deletions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.ids import time_ordered_id
from core.storage.types import JSONType, UTCDateTime, new_id, utcnow

ROLES = ("patient", "kiosk", "clinician", "admin")
# What the patient search looks in, lower-cased by the database itself (a generated column).
SEARCH_KEY_SQL = "lower(first_name || ' ' || last_name || ' ' || email)"
SKIN_TYPES = ("normal", "dry", "oily", "combination", "sensitive")
# SQLite's patient search index (migration 0009): a narrow table and an FTS5 table with its shadow
# tables, kept by triggers and read with plain SQL (core.storage.repositories.patients_index).
SEARCH_INDEX_PREFIX = "patient_search"


def is_modelled(name: str | None, type_: str, _parent: object = None) -> bool:
    """Whether a table is described by these models (the search index is not): Alembic's
    ``include_name`` hook, for comparing the migrated schema with the models."""
    return not (type_ == "table" and (name or "").startswith(SEARCH_INDEX_PREFIX))


# Indexes the models create on one engine only, by name. Alembic does not read ``Index.ddl_if``,
# so the schema comparison is told to leave the other engine's out (:func:`included_on`).
ENGINE_INDEXES: dict[str, str] = {}


def only_on(dialect: str, index: Index) -> Index:
    """An index created on one engine only."""
    ENGINE_INDEXES[str(index.name)] = dialect
    return index.ddl_if(dialect=dialect)


def included_on(dialect: str) -> Callable[[object, str | None, str, bool, object], bool]:
    """Alembic's ``include_object`` hook for comparing one engine's schema with the models."""

    def include(_item: object, name: str | None, type_: str, _reflected: bool, _to: object) -> bool:
        return type_ != "index" or ENGINE_INDEXES.get(str(name), dialect) == dialect

    return include


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class Synced(Timestamped, Base):
    """Rows that travel between devices: the hybrid logical clock of the row and of each column."""

    __abstract__ = True

    # No onupdate here: the change-capture listener sets it for local edits, and a merge from the
    # server must keep the server's value rather than stamp the local time.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    hlc: Mapped[str] = mapped_column(String(48), default="", nullable=False)
    field_clocks: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict, nullable=False)


class User(Synced):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('patient', 'kiosk', 'clinician', 'admin')", name="role"),
        CheckConstraint("age IS NULL OR (age >= 0 AND age <= 150)", name="age"),
        # Case-insensitive uniqueness in the database itself, whatever path a row arrives by.
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        # The patient list: walked in name order, searched without reading the table (covering).
        Index("ix_users_role_name", "role", "last_name", "first_name", "user_id", "search_key"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    hashed_password: Mapped[str | None] = mapped_column(String(255))
    age: Mapped[int | None] = mapped_column(Integer)
    skin_type: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    profile_picture_url: Mapped[str | None] = mapped_column(String(1024))
    last_login: Mapped[datetime | None] = mapped_column(UTCDateTime())
    role: Mapped[str] = mapped_column(String(16), default="patient", nullable=False)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A patient's profile as the clinician records it (migration 0007). One column each, so two
    # devices changing different ones merge instead of one overwriting the other.
    birth_year: Mapped[int | None] = mapped_column(Integer)
    fitzpatrick_type: Mapped[int | None] = mapped_column(Integer)
    fragrance_free: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    pregnancy: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    sensitive_skin: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    # Derived by the database, so never written and never synced (core.storage.changes.LOCAL_ONLY).
    search_key: Mapped[str | None] = mapped_column(Text, Computed(SEARCH_KEY_SQL), deferred=True)

    # ORM cascades (not only the database's ON DELETE), so each dependent row leaves a tombstone.
    analyses: Mapped[list[SkinAnalysisResult]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    consents: Mapped[list[ConsentRecord]] = relationship(cascade="all, delete-orphan")
    notes: Mapped[list[ClinicianNote]] = relationship(
        cascade="all, delete-orphan", foreign_keys="ClinicianNote.patient_id"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ImageBlob(Synced):
    """An image file on disk, addressed by the SHA-256 of its bytes."""

    __tablename__ = "images"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(64), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)


_VISIT_COLUMNS = (
    "user_id",
    "created_at",
    "analysis_id",
    "skin_score",
    "engine_version",
    "image_sha256",
    "thumbnail_sha256",
)


class SkinAnalysisResult(Synced):
    __tablename__ = "skin_analysis_results"
    # SQLite: a covering index, so a patient's visit history (repositories.patients_record) is read
    # from the index alone, a few adjacent pages (migration 0008); the rows themselves are stored
    # patient by patient too (a trigger gives each patient a block of rowids, migration 0010).
    # PostgreSQL refuses an index entry over ~2.7 KB, so its index leaves the measures out
    # (migration 0011): the history reads them from the table.
    __table_args__ = (
        only_on(
            "sqlite", Index("ix_skin_analysis_results_user_history", *_VISIT_COLUMNS, "metrics")
        ),
        only_on("postgresql", Index("ix_skin_analysis_results_user_visits", *_VISIT_COLUMNS)),
        # For the foreign key to the consent (a NULL never matches it): analyses without a
        # consent record (desktop, imports) write no entry (migration 0013).
        Index(
            "ix_skin_analysis_results_consent_id",
            "consent_id",
            sqlite_where=text("consent_id IS NOT NULL"),
            postgresql_where=text("consent_id IS NOT NULL"),
        ),
    )

    # Time-ordered: a new entry goes at the end of the primary key index (core.ids).
    analysis_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=time_ordered_id)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE")
    )
    skin_score: Mapped[float] = mapped_column(Float, nullable=False)
    hydration_level: Mapped[float | None] = mapped_column(Float)
    oiliness_level: Mapped[float | None] = mapped_column(Float)
    elasticity_level: Mapped[float | None] = mapped_column(Float)
    pore_size: Mapped[float | None] = mapped_column(Float)
    skin_type_detected: Mapped[str | None] = mapped_column(String(20))
    conditions: Mapped[list[Any]] = mapped_column(JSONType, default=list, nullable=False)
    recommendations: Mapped[list[Any]] = mapped_column(JSONType, default=list, nullable=False)
    routine: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    image_sha256: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))
    thumbnail_sha256: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))
    analysis_duration_seconds: Mapped[float | None] = mapped_column(Float)
    confidence_score: Mapped[float | None] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    region_metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    engine_version: Mapped[str] = mapped_column(String(32), nullable=False)
    # The consent the analysis (and its photos) was taken under: it leaves the device only when
    # that consent allows syncing (core.storage.sync_consent), and the server checks the same.
    consent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("consent_records.consent_id", ondelete="SET NULL")
    )

    user: Mapped[User | None] = relationship(back_populates="analyses")


class AuditEvent(Synced):
    """Who did what, when, on which device. Keeps ids as text so events outlive the rows they mention.

    Append-only and hash-chained per device (:mod:`core.audit.chain`): ``device_id`` is the writing
    device's node id, ``chain_seq`` counts that device's events from 1, ``prev_hash`` is the
    ``row_hash`` of the event before it. Rows from before the chain existed have them empty.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred", "occurred_at"),
        UniqueConstraint("device_id", "chain_seq", name="uq_audit_events_device_seq"),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    device_id: Mapped[str | None] = mapped_column(String(32))
    chain_seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class ConsentRecord(Synced):
    """A person's answer to a consent text of a given version (append-only)."""

    __tablename__ = "consent_records"

    consent_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), index=True
    )
    text_version: Mapped[str] = mapped_column(String(32), nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    allow_storage: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    allow_sync: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    retention_days: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ClinicianNote(Synced):
    __tablename__ = "clinician_notes"

    note_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), index=True, nullable=False
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.user_id", ondelete="SET NULL")
    )
    analysis_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("skin_analysis_results.analysis_id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text, nullable=False)


class PatientVisits(Base):
    """Each patient's first and last visit and number of analyses, for the patient list's sort and
    filter over 100,000 patients.

    Derived, local and never synced: database triggers keep it in step with
    ``skin_analysis_results`` whatever writes there (the kiosk, an import, a sync pull), so no code
    writes it (migration 0007). No foreign key: a row may briefly outlive its patient during an
    erasure, and every reader joins from ``users``.
    """

    __tablename__ = "patient_visits"
    __table_args__ = (Index("ix_patient_visits_last", "last_visit_at", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_visit_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_visit_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    visit_count: Mapped[int] = mapped_column(Integer, nullable=False)


class Tombstone(Timestamped, Base):
    """The record that a row existed and was deleted, so deletions travel instead of vanishing."""

    __tablename__ = "tombstones"
    __table_args__ = (UniqueConstraint("entity", "entity_id", name="entity_row"),)

    tombstone_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    hlc: Mapped[str] = mapped_column(String(48), default="", nullable=False)


class SyncOutbox(Base):
    """A local change waiting to be pushed, written in the same transaction as the change itself.

    Local-only and never synced, so an integer sequence (insertion order) is its key.
    """

    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    op: Mapped[str] = mapped_column(String(8), nullable=False)
    hlc: Mapped[str] = mapped_column(String(48), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # The user signed in when the change was made (core.storage.changes.acting_as): the server
    # checks that user's role in its own records before accepting an administrator's change.
    actor_id: Mapped[str | None] = mapped_column(String(36))


class PhotoCache(Base):
    """A photo fetched from the server on demand (a workstation does not pull photos): kept only
    for the clinic's retention time after its last use, then fetched again when needed."""

    __tablename__ = "photo_cache"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class SyncBatch(Base):
    """A push captured with its idempotency key, so a crash resends exactly the same request."""

    __tablename__ = "sync_batches"

    batch_key: Mapped[str] = mapped_column(String(36), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class SyncState(Base):
    """Small key/value facts about this device's sync: node id, cursor, server, last result."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class EmailMessage(Timestamped, Base):
    """An email waiting for (or past) delivery by SMTP. Local to the device; never synced."""

    __tablename__ = "email_outbox"

    email_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    to_address: Mapped[str] = mapped_column(String(320), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="queued", nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SyncConflict(Base):
    """A change the server refused (e.g. an email already used on another device), kept for a person."""

    __tablename__ = "sync_conflicts"

    conflict_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


SYNCED_MODELS: tuple[type[Synced], ...] = (
    User,
    ImageBlob,
    SkinAnalysisResult,
    AuditEvent,
    ConsentRecord,
    ClinicianNote,
)
