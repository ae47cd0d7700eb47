"""Engine, sessions and migrations of the server database.

Migrations run under a PostgreSQL advisory lock, so several workers starting together migrate once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import PostgresClientMissingError, SchemaTooNewError, StorageError
from server.config import normalize_database_url, safe_url
from server.models import ServerIdentity

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "server_alembic_version"


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock key for a name (collisions only cost a needless wait)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


MIGRATION_LOCK = lock_key("skinlab-server", "migrate")


POSTGRES_CLIENT_MISSING = (
    "The sync server cannot load PostgreSQL's client library (libpq). Install it (on Debian or "
    "Ubuntu: apt install libpq5), or run the server from a pip installation of SkinLab, which "
    "brings its own."
)


def make_engine(database_url: str, *, pool_size: int = 10) -> Engine:
    """The built device app leaves psycopg's own libpq out (it never uses PostgreSQL): there the
    server commands use the system's, and say so when there is none."""
    try:
        return create_engine(
            normalize_database_url(database_url),
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            pool_timeout=10,
            hide_parameters=True,  # no patient data in exception messages or logs
        )
    except ImportError as exc:
        raise PostgresClientMissingError(POSTGRES_CLIENT_MISSING) from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def opened(database_url: str) -> Iterator[Engine]:
    """An engine for one CLI command, disposed afterwards; connection failures become one line."""
    engine = make_engine(database_url, pool_size=1)
    try:
        yield engine
    except OperationalError as exc:
        raise StorageError(
            f"Cannot reach the database at {safe_url(engine.url.render_as_string())}: "
            f"{str(exc.orig).strip().splitlines()[0] if exc.orig else exc}"
        ) from exc
    finally:
        engine.dispose()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["version_table"] = VERSION_TABLE
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise StorageError("The server ships no migrations; the installation is broken")
    return head


def migrate(engine: Engine) -> str:
    """Bring the server schema to head; refuse a database written by a newer server."""
    config = _config()
    known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            current = MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
            if current is not None and current not in known:
                raise SchemaTooNewError(
                    f"This database was written by a newer SkinLab server (schema {current}); "
                    "nothing was changed."
                )
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else repr(exc)
        raise StorageError(f"Could not migrate the server database: {first}") from exc
    head = head_revision()
    if current != head:
        log.info("server database migrated from %s to %s", current, head)
    return head


def server_id(engine: Engine) -> str:
    """The id devices use as their tokens' audience (created on first start)."""
    with Session(engine) as session, session.begin():
        found = session.scalar(select(ServerIdentity.server_id).where(ServerIdentity.id == 1))
        if found is not None:
            return str(found)
        session.execute(
            text(
                "INSERT INTO server_identity (id, server_id) VALUES (1, :sid) "
                "ON CONFLICT (id) DO NOTHING"
            ),
            {"sid": uuid.uuid4()},
        )
        again = session.scalar(select(ServerIdentity.server_id).where(ServerIdentity.id == 1))
    return str(again)


def grant_secret(engine: Engine) -> str:
    """The key that signs the server's proofs of sign-in: made once, shared by every worker."""
    with Session(engine) as session, session.begin():
        session.execute(
            text(
                "UPDATE server_identity SET grant_secret = :s WHERE id = 1 AND grant_secret IS NULL"
            ),
            {"s": secrets.token_urlsafe(48)},
        )
        found = session.scalar(select(ServerIdentity.grant_secret).where(ServerIdentity.id == 1))
    if not found:
        raise StorageError("The server has no identity yet; start it once to create one")
    return found
