"""Schema migrations with Alembic: backup, then upgrade; refuse a database from a newer SkinLab."""

from __future__ import annotations

import logging
import os
import sqlite3
import warnings
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.exc import SAWarning

from core.errors import CorruptDatabaseError, SchemaTooNewError, StorageError
from core.storage.database import Database

log = logging.getLogger(__name__)
SKIPPED_EXPRESSION_INDEX = "Skipped unsupported reflection of expression-based index"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KEEP_BACKUPS = 10
PARTIAL_SUFFIX = ".part"


class BackupFailedWarning(StorageError):
    """The daily backup could not be written; the database itself is intact and usable."""

    code = "backup_failed"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise StorageError("SkinLab ships no migrations; the installation is broken")
    return head


def current_revision(db: Database) -> str | None:
    with db.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def has_tables(db: Database) -> bool:
    with db.connect() as conn:
        return bool(inspect(conn).get_table_names())


def check_not_newer(db: Database) -> str | None:
    """Return the database's revision, or raise if a newer SkinLab wrote it."""
    revision = current_revision(db)
    if revision is None:
        return None
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if revision not in known:
        raise SchemaTooNewError(
            f"This database was written by a newer version of SkinLab (schema {revision}). "
            "Install that version or newer to open it; nothing was changed."
        )
    return revision


def backup_sqlite(db: Database, backup_dir: Path, *, label: str = "backup") -> Path | None:
    """Copy a SQLite database with the online backup API (consistent even with WAL).

    The copy is written beside its final name and renamed once verified, so a crash or a full disk
    mid-way never leaves a half-written file that counts as a backup."""
    source_path = db.sqlite_path
    if source_path is None or not source_path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"skinlab-{stamp}-{label}.db"
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        sweep_partial_backups(backup_dir)
        # A file: URI built by pathlib, so '#', '?' and '%' in folder names are escaped. An
        # encrypted database is copied page by page under the same key: backups stay encrypted.
        source = db.open_file(source_path, read_only=True)
        try:
            dest = db.open_file(partial)
            try:
                source.backup(dest)
                verdict = [row[0] for row in dest.execute("PRAGMA quick_check").fetchall()]
            finally:
                dest.close()
        finally:
            source.close()
        if verdict == ["ok"]:
            os.replace(partial, target)
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError) as exc:
        partial.unlink(missing_ok=True)
        if "malformed" in str(exc) or "not a database" in str(exc):
            raise CorruptDatabaseError(
                f"The database {source_path} is damaged ({exc}); it was not backed up. "
                "Restore a copy from the backups folder."
            ) from exc
        raise StorageError(f"Could not back up {source_path}: {exc}") from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(
            f"Could not back up {source_path} to {backup_dir}: {exc.strerror or exc}"
        ) from exc
    if verdict != ["ok"]:
        # Never let a damaged copy push good backups out of the rotation.
        partial.unlink(missing_ok=True)
        raise CorruptDatabaseError(
            f"The database {source_path} is damaged ({'; '.join(map(str, verdict[:3]))}); it was not backed up. "
            "Restore a copy from the backups folder."
        )
    _prune(backup_dir)
    log.info("Backed up %s to %s", source_path, target)
    return target


def backup_if_due(db: Database, backup_dir: Path, *, max_age_hours: float = 24) -> Path | None:
    """Back up a SQLite database on start when the newest backup is older than ``max_age_hours``.

    A backup that cannot be written (full disk, read-only backups folder) is logged and raised as
    :class:`BackupFailedWarning`, which callers report and carry on from: the database is intact.
    A damaged database raises :class:`CorruptDatabaseError`."""
    if db.sqlite_path is None or not db.sqlite_path.exists():
        return None
    try:
        newest = max((p.stat().st_mtime for p in backup_dir.glob("skinlab-*.db")), default=0.0)
    except OSError:
        newest = 0.0
    if datetime.now(UTC).timestamp() - newest < max_age_hours * 3600:
        return None
    try:
        return backup_sqlite(db, backup_dir, label="daily")
    except CorruptDatabaseError:
        raise
    except StorageError as exc:
        log.warning("Daily backup skipped: %s", exc.message)
        raise BackupFailedWarning(exc.message) from exc


def sweep_partial_backups(backup_dir: Path) -> int:
    """Delete copies a crash or a full disk left half-written (and their SQLite side files)."""
    swept = 0
    for stale in backup_dir.glob(f"skinlab-*{PARTIAL_SUFFIX}*"):
        stale.unlink(missing_ok=True)
        swept += 1
    return swept


def _prune(backup_dir: Path) -> None:
    backups = sorted(backup_dir.glob("skinlab-*.db"))
    for old in backups[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


def upgrade(db: Database, *, backup_dir: Path | None = None) -> str:
    """Bring the schema to the newest revision, backing up a SQLite file first when it changes."""
    db.probe()
    revision = check_not_newer(db)
    head = head_revision()
    if revision == head:
        return head
    if backup_dir is not None and (revision is not None or has_tables(db)):
        backup_sqlite(db, backup_dir, label=f"before-{head}")
    config = _config()
    with db.connect(write=True) as conn, warnings.catch_warnings():
        # Alembic's batch mode on SQLite reflects `users`; SQLAlchemy cannot reflect the
        # expression index on lower(email) and says so on every new database (the self-check's
        # output, a first start). The index is kept: batch mode adds columns in place there
        # (tests/core/storage/test_storage_migrations.py checks it is on the newest schema).
        warnings.filterwarnings("ignore", SKIPPED_EXPRESSION_INDEX, SAWarning)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    log.info("Database upgraded from %s to %s", revision, head)
    return head
