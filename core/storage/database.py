"""Engine and units of work for SQLite and PostgreSQL.

SQLite is tuned for a desktop app that must not lose a confirmed write: WAL, foreign keys,
``busy_timeout``, and every write transaction begun ``IMMEDIATE`` so that it takes the write lock
up front instead of failing later with SQLITE_BUSY_SNAPSHOT, which ``busy_timeout`` never retries.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import core.storage.changes  # noqa: F401  (registers the change-capture listener)
from core.errors import ConflictError, CorruptDatabaseError, SkinLabError, StorageError
from core.storage.types import utcnow
from core.sync.hlc import HybridClock

WRITE_OPTION = "skinlab_write"
BUSY_TIMEOUT_MS = 10_000


def sqlite_url(path: Path) -> str:
    """A URL for a SQLite file; built, not formatted, so '?', '#' or '%' in folder names survive."""
    return URL.create("sqlite+pysqlite", database=str(Path(path))).render_as_string(
        hide_password=False
    )


def _install_sqlite_pragmas(engine: Engine, *, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control away from the driver so that our "begin" below is the only BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _translate(exc: Exception, url: str) -> SkinLabError:
    message = str(getattr(exc, "orig", exc))
    if isinstance(exc, IntegrityError):
        if "email" in message:
            return ConflictError("An account with this email already exists")
        return ConflictError(
            f"The change conflicts with data already saved ({message.splitlines()[0]})"
        )
    if "file is not a database" in message or "malformed" in message:
        return CorruptDatabaseError(
            f"The database {make_url(url).database} is damaged or is not a SkinLab database "
            f"({message}). Restore a copy from the backups folder, or move it away to start afresh."
        )
    return StorageError(f"The database cannot be used: {message}")


class Database:
    """A SkinLab database: ``read()`` and ``write()`` give a session inside one transaction."""

    def __init__(self, url: str, *, synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800)
        self.engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            _install_sqlite_pragmas(self.engine, synchronous=synchronous)
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self._clock: HybridClock | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        database = make_url(self.url).database
        return Path(database) if self.is_sqlite and database and database != ":memory:" else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading. Closing it ends the transaction; loaded rows stay readable."""
        with self._read_sessions() as session:
            try:
                yield session
            except (OperationalError, DatabaseError) as exc:
                raise _translate(exc, self.url) from exc

    @property
    def clock(self) -> HybridClock:
        """This device's hybrid logical clock; its node id is created once and kept in the database."""
        if self._clock is None:
            with self.connect(write=True) as conn:
                node = conn.execute(
                    text("SELECT value FROM sync_state WHERE key = 'node_id'")
                ).scalar()
                if node is None:
                    node = secrets.token_hex(8)
                    conn.execute(
                        text(
                            "INSERT INTO sync_state (key, value, updated_at) VALUES ('node_id', :v, :t)"
                        ),
                        {
                            "v": node,
                            "t": utcnow().replace(tzinfo=None) if self.is_sqlite else utcnow(),
                        },
                    )
                last = conn.execute(text("SELECT max(hlc) FROM sync_outbox")).scalar()
            self._clock = HybridClock(str(node), last=last or None)
        return self._clock

    @contextmanager
    def write(self, *, remote: bool = False) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls everything back on any error.

        ``remote=True`` marks changes merged from the sync server: they are not queued to go back.
        """
        clock = self.clock
        with self._write_sessions() as session:
            session.info["clock"] = clock
            session.info["sync_remote"] = remote
            try:
                with session.begin():
                    yield session
            except (OperationalError, DatabaseError) as exc:
                raise _translate(exc, self.url) from exc

    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection in a transaction (for migrations, bulk work and health checks)."""
        engine = self._write_engine if write else self.engine
        try:
            with engine.begin() as conn:
                yield conn
        except (OperationalError, DatabaseError) as exc:
            raise _translate(exc, self.url) from exc

    def probe(self) -> None:
        """Touch the file so that a damaged database is reported before anything else runs."""
        with self.connect() as conn:
            conn.execute(
                text("SELECT count(*) FROM sqlite_master" if self.is_sqlite else "SELECT 1")
            )

    def dispose(self) -> None:
        self.engine.dispose()
