"""The server's settings: one frozen object handed to ``create_app`` so tests and the CLI configure
the same thing the same way, and nothing is read from globals at request time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.errors import ValidationError
from core.sync.protocol import DEFAULT_BLOB_LIMIT, MAX_PUSH_BYTES, TOKEN_MAX_LIFETIME_S

# Bodies of the small JSON endpoints (enroll) never need more than this.
SMALL_BODY_LIMIT = 64 * 1024
IDEMPOTENCY_KEEP_DAYS = 7


def normalize_database_url(url: str) -> str:
    """Accept ``postgresql://`` / ``postgres://`` and pin the psycopg 3 driver; refuse anything else,
    because the server relies on PostgreSQL features (JSONB, sequences, advisory locks)."""
    text = url.strip()
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if text.startswith(prefix):
            text = "postgresql+psycopg://" + text[len(prefix) :]
            break
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise ValidationError(f"{url!r} is not a database URL") from exc
    if parsed.drivername != "postgresql+psycopg":
        raise ValidationError(
            "The sync server needs PostgreSQL: give a URL like postgresql://user:pass@host/db"
        )
    return text


def safe_url(url: str) -> str:
    """The URL with its password masked, for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


@dataclass(frozen=True)
class ServerSettings:
    """Everything one server process needs; limits default to the protocol's."""

    database_url: str
    blob_dir: Path
    blob_limit: int = DEFAULT_BLOB_LIMIT
    push_limit: int = MAX_PUSH_BYTES
    clock_skew_s: int = TOKEN_MAX_LIFETIME_S
    pool_size: int = 10
    # How long a push waits for the clinic's other pushes before answering 503.
    lock_timeout_s: float = 30.0
    migrate_on_start: bool = True
    housekeeping_interval_s: float = 600.0
    # /docs and /openapi.json: off unless asked for (``skinlab serve --docs``).
    expose_docs: bool = False
    # Requests per device: a token bucket refilled at ``rate_per_s`` holding up to ``rate_burst``.
    rate_per_s: float = 100.0
    rate_burst: int = 1000
    # Enrollments, all clients together (codes are unguessable; this only caps the load).
    enroll_per_minute: int = 30
    # Proofs of sign-in a device may ask for (each checks a password): a guessing brake ...
    grant_per_minute: int = 10
    # ... and those asked for one account from all devices together (above one device's, so a
    # single device cannot lock an administrator out of online sign-in).
    grant_account_per_minute: int = 30
    # Images a clinic may hold, unless its own quota says otherwise (``server set-quota``).
    clinic_quota_bytes: int = 50 * 1024**3
    # An upload that receives nothing for this long is cut (its bytes so far are kept) ...
    upload_idle_s: float = 60.0
    # ... and one left unfinished this long is deleted by housekeeping.
    upload_abandon_s: float = 24 * 3600.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalize_database_url(self.database_url))
        object.__setattr__(self, "blob_dir", Path(self.blob_dir))
        if self.blob_limit <= 0 or self.push_limit <= 0 or self.clinic_quota_bytes <= 0:
            raise ValidationError("Size limits must be positive")
        if (
            self.rate_per_s <= 0
            or self.rate_burst < 1
            or min(self.enroll_per_minute, self.grant_per_minute, self.grant_account_per_minute) < 1
        ):
            raise ValidationError("Rate limits must be positive")
        if self.upload_idle_s <= 0 or self.upload_abandon_s <= self.upload_idle_s:
            raise ValidationError("Upload timeouts must be positive, abandonment after idleness")
