"""Engine and units of work for SQLite (plain or SQLCipher-encrypted) and PostgreSQL.

SQLite is tuned for a desktop app that must not lose a confirmed write: WAL, foreign keys,
``busy_timeout``, and every write transaction begun ``IMMEDIATE`` so that it takes the write lock
up front instead of failing later with SQLITE_BUSY_SNAPSHOT, which ``busy_timeout`` never retries.
Given a ``key``, the SQLite file is encrypted with SQLCipher (SQLAlchemy's ``sqlite+pysqlcipher``
dialect over ``sqlcipher3``, in the settings of :mod:`core.storage.sqlcipher`) with the same pragmas, and deleted rows are overwritten
(``secure_delete``) so that an erased patient does not linger in free pages.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

import core.storage.changes  # noqa: F401  (registers the change-capture listener)
from core.errors import ConflictError, CorruptDatabaseError, SkinLabError, StorageError
from core.security.errors import DatabaseKeyError
from core.security.permissions import create_private_file
from core.storage import placement
from core.storage.hlc import HybridClock
from core.storage.sqlcipher import apply_settings, raw_key, unlock
from core.storage.types import utcnow

WRITE_OPTION = "skinlab_write"
BUSY_TIMEOUT_MS = 10_000


def sqlite_url(path: Path) -> str:
    """A URL for a SQLite file; built, not formatted, so '?', '#' or '%' in folder names survive."""
    return URL.create("sqlite+pysqlite", database=str(Path(path))).render_as_string(
        hide_password=False
    )


def _install_sqlite_pragmas(engine: Engine, *, synchronous: str, encrypted: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control away from the driver so that our "begin" below is the only BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if encrypted:  # the dialect has set the key; nothing has read the file yet
                apply_settings(cursor)
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            cursor.execute("PRAGMA secure_delete = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _translate(exc: Exception, url: str, *, encrypted: bool = False) -> SkinLabError:
    message = str(getattr(exc, "orig", exc))
    if encrypted and "file is not a database" in message:
        return DatabaseKeyError(
            f"The database {make_url(url).database} does not open with this device's data key: it "
            "was encrypted with another key (copied from another installation?) or it is damaged. "
            "Restore it from the backups folder, which opens with the same key."
        )
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
    if "disk is full" in message:
        return StorageError(
            f"The database {make_url(url).database} could not be written: the disk is full. "
            "Free some space; nothing saved before was changed."
        )
    if "readonly database" in message or "read-only" in message:
        return StorageError(
            f"The database {make_url(url).database} could not be written: its folder is read-only. "
            "Fix its permissions; nothing saved before was changed."
        )
    if "database is locked" in message:
        return StorageError(
            f"The database {make_url(url).database} is busy: another SkinLab process has held it "
            f"for over {BUSY_TIMEOUT_MS // 1000} seconds. Try again when it has finished."
        )
    return StorageError(f"The database cannot be used: {message}")


class Database:
    """A SkinLab database: ``read()`` and ``write()`` give a session inside one transaction."""

    def __init__(
        self, url: str, *, synchronous: str = "FULL", echo: bool = False, key: bytes | None = None
    ) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        self.encrypted = key is not None and self.dialect == "sqlite"
        self._key = key if self.encrypted else None
        kwargs: dict[str, Any] = {"echo": echo}
        engine_url: str | URL = url
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800)
        if self._key is not None:
            # The key travels in the engine's URL only (hidden in its repr), never in ``self.url``.
            engine_url = make_url(url).set(
                drivername="sqlite+pysqlcipher", password=raw_key(self._key)
            )
            kwargs.update(module=sqlcipher3, poolclass=QueuePool)
        self.engine = create_engine(engine_url, **kwargs)
        path = self.sqlite_path
        if path is not None:

            @event.listens_for(self.engine, "do_connect")
            def _private_file(*_args: Any) -> None:
                create_private_file(path)  # before SQLite makes it; -wal/-shm take its mode

        if self.dialect == "sqlite":
            _install_sqlite_pragmas(self.engine, synchronous=synchronous, encrypted=self.encrypted)
            placement.install(self.engine)
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
                raise _translate(exc, self.url, encrypted=self.encrypted) from exc

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
                raise _translate(exc, self.url, encrypted=self.encrypted) from exc

    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[Connection]:
        """A Core connection in a transaction (for migrations, bulk work and health checks)."""
        engine = self._write_engine if write else self.engine
        try:
            with engine.begin() as conn:
                yield conn
        except (OperationalError, DatabaseError) as exc:
            raise _translate(exc, self.url, encrypted=self.encrypted) from exc

    def probe(self) -> None:
        """Touch the file so that a damaged database is reported before anything else runs."""
        with self.connect() as conn:
            conn.execute(
                text("SELECT count(*) FROM sqlite_master" if self.is_sqlite else "SELECT 1")
            )

    def open_file(self, path: Path, *, read_only: bool = False) -> sqlite3.Connection:
        """A driver connection to another SQLite file with this database's key (for backups)."""
        if self._key is None:
            if read_only:
                return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
            return sqlite3.connect(path)
        if not read_only:
            create_private_file(path)
        uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
        conn: sqlite3.Connection = sqlcipher3.connect(uri, uri=True)
        unlock(conn, self._key)
        return conn

    def checkpoint(self) -> bool:
        """Copy SQLite's write-ahead log into the database file and empty it; whether it emptied.

        Called after an erasure: until then the log keeps the old copies of the erased pages
        (``secure_delete`` only overwrites the database file). A reader still holding an old
        snapshot keeps the log from emptying (``False``; the next checkpoint catches up).
        Nothing to do on PostgreSQL (``True``).
        """
        if not self.is_sqlite:
            return True
        try:
            raw = self.engine.raw_connection()  # outside any transaction (no BEGIN listener)
            try:
                cursor = raw.cursor()
                busy, _log, _copied = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                cursor.close()
            finally:
                raw.close()
        except (OperationalError, DatabaseError, sqlite3.Error, sqlcipher3.Error) as exc:
            raise _translate(exc, self.url, encrypted=self.encrypted) from exc
        return not busy

    def dispose(self) -> None:
        self.engine.dispose()
