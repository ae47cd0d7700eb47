"""The sync protocol's messages (docs/sync-protocol.md), shared by ``core.sync`` and ``server``."""

from __future__ import annotations

import re
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-SkinLab-Protocol"
MAX_CHANGES_PER_PUSH = 500
MAX_PUSH_BYTES = 8 * 1024 * 1024
MAX_PULL_LIMIT = 1000
DEFAULT_BLOB_LIMIT = 25 * 1024 * 1024
TOKEN_MAX_LIFETIME_S = 300
# A proof of a person's sign-in (POST /v1/grants): the header a push carries it in, and how long
# the server's proof lasts (a working day: an administrator signs in online once a shift).
ADMIN_GRANT_HEADER = "X-SkinLab-Admin-Grant"
ADMIN_GRANT_LIFETIME_S = 10 * 3600
ADMIN_PROOF_REQUIRED = "admin_proof_required"
"""A change the acting user may make, refused only because the push carried no valid proof of
that user's online sign-in: the device keeps it until that user signs in online (docs/sync.md)."""

ENTITIES = (
    "users",
    "skin_analysis_results",
    "consent_records",
    "clinician_notes",
    "audit_events",
    "images",
)
APPEND_ONLY = frozenset({"consent_records", "clinician_notes", "audit_events", "images"})
# Columns that name a user: a row pointing at an erased user is erased too.
SUBJECT_COLUMNS = {
    "skin_analysis_results": "user_id",
    "consent_records": "user_id",
    "clinician_notes": "patient_id",
}

_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_HLC = re.compile(r"^[0-9]{13}-[0-9]{6}-[0-9a-f]{1,32}$")
_COLUMN = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")

Status = Literal["applied", "stale", "deleted", "immutable", "rejected"]
DeviceRole = Literal["kiosk", "workstation", "admin"]
DEVICE_ROLES: tuple[DeviceRole, ...] = ("kiosk", "workstation", "admin")


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal[
        "users",
        "skin_analysis_results",
        "consent_records",
        "clinician_notes",
        "audit_events",
        "images",
    ]
    entity_id: str = Field(max_length=64)
    op: Literal["upsert", "delete"]
    fields: dict[str, Any] = Field(default_factory=dict)
    clocks: dict[str, str] = Field(default_factory=dict)
    hlc: str
    actor: str | None = Field(
        default=None,
        description="the user signed in on the device when it made the change (a UUID); the "
        "server checks that user's role in its own records and never trusts a kiosk's claim",
    )

    @field_validator("actor")
    @classmethod
    def _actor_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _UUID.match(value.lower()):
            raise ValueError("actor must be a user id (UUID)")
        return str(uuid.UUID(value))

    @field_validator("entity_id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        text = value.lower()
        if _SHA256.match(text):
            return text
        if _UUID.match(text):
            return str(uuid.UUID(text))  # one canonical spelling, with dashes
        raise ValueError("entity_id must be a UUID or a SHA-256 hex digest")

    @field_validator("hlc")
    @classmethod
    def _hlc_shape(cls, value: str) -> str:
        if not _HLC.match(value):
            raise ValueError("hlc must look like 0001764070000000-000000-<device hex>")
        return value

    @field_validator("clocks")
    @classmethod
    def _clock_shapes(cls, value: dict[str, str]) -> dict[str, str]:
        for name, clock in value.items():
            if not _COLUMN.match(name) or not _HLC.match(clock):
                raise ValueError(f"bad clock for column {name!r}")
        return value

    @field_validator("fields")
    @classmethod
    def _field_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not _COLUMN.match(name):
                raise ValueError(f"bad column name {name!r}")
        return value


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    changes: list[Change] = Field(min_length=1, max_length=MAX_CHANGES_PER_PUSH)


class ChangeResult(BaseModel):
    entity: str
    entity_id: str
    status: Status
    code: str | None = None
    message: str | None = Field(default=None, description="why a change was rejected, for a person")


class PushResponse(BaseModel):
    results: list[ChangeResult]
    server_time_ms: int


class PulledChange(Change):
    server_seq: int
    deleted: bool


class PullResponse(BaseModel):
    changes: list[PulledChange]
    next_cursor: str
    has_more: bool
    device_role: DeviceRole | None = Field(
        default=None, description="the pulling device's role, which decides what it receives"
    )


class EnrollRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=6, max_length=64)
    public_key: str = Field(
        min_length=40, max_length=64, description="raw Ed25519 public key, base64url"
    )
    device_name: str = Field(min_length=1, max_length=100)


class EnrollResponse(BaseModel):
    device_id: str
    clinic_id: str
    clinic_name: str
    server_id: str
    role: DeviceRole = "kiosk"


class GrantRequest(BaseModel):
    """A staff member's credentials, checked by the server against its own copy of the account."""

    model_config = ConfigDict(extra="forbid")
    user: str = Field(min_length=1, max_length=320, description="the account's email or id")
    password: str = Field(min_length=1, max_length=1024)


class GrantResponse(BaseModel):
    grant: str = Field(description=f"send it as {ADMIN_GRANT_HEADER} with this device's pushes")
    user_id: str
    expires_at: int = Field(description="seconds since 1970 (UTC)")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail
