"""Databases SkinLab must refuse without touching them: damaged files and newer schemas."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from core.errors import CorruptDatabaseError, SchemaTooNewError, StorageError
from core.storage import Database, check_db_health, sqlite_url
from core.storage.migrate import (
    KEEP_BACKUPS,
    backup_if_due,
    backup_sqlite,
    current_revision,
    upgrade,
)
from core.storage.repositories import users

FUTURE_REVISION = "ffff_future"


def _random_bytes(size: int) -> bytes:
    return random.Random(2).randbytes(size)


def _real_header_then_garbage(tmp_path: Path) -> bytes:
    path = tmp_path / "source.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    return path.read_bytes()[:100] + _random_bytes(8192)


CORRUPT_CONTENTS = {
    "random-bytes": lambda tmp: _random_bytes(16384),
    "text-file": lambda tmp: b"These are my notes, not a database.\n" * 200,
    "sqlite-header-then-garbage": _real_header_then_garbage,
}


@pytest.fixture(params=sorted(CORRUPT_CONTENTS))
def corrupt_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, bytes]:
    data = CORRUPT_CONTENTS[request.param](tmp_path)
    path = tmp_path / "data" / "skinlab.db"
    path.parent.mkdir()
    path.write_bytes(data)
    return path, data


def test_probe_reports_a_corrupt_file_and_leaves_it_alone(corrupt_file: tuple[Path, bytes]) -> None:
    path, data = corrupt_file
    db = Database(sqlite_url(path))
    try:
        with pytest.raises(CorruptDatabaseError) as caught:
            db.probe()
    finally:
        db.dispose()
    assert str(path) in caught.value.message
    assert path.read_bytes() == data


def test_upgrade_refuses_a_corrupt_file_without_backup_or_change(
    corrupt_file: tuple[Path, bytes], tmp_path: Path
) -> None:
    path, data = corrupt_file
    db = Database(sqlite_url(path))
    backups = tmp_path / "backups"
    try:
        with pytest.raises(CorruptDatabaseError):
            upgrade(db, backup_dir=backups)
        report = check_db_health(db)
    finally:
        db.dispose()
    assert path.read_bytes() == data
    assert not backups.exists() or not any(backups.iterdir())
    assert not report.ok and report.status == "unhealthy" and report.problems


@pytest.mark.parametrize("kind", ["random-bytes", "text-file"])
def test_backing_up_a_non_database_is_a_typed_error_and_leaves_no_copy(
    kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "skinlab.db"
    data = CORRUPT_CONTENTS[kind](tmp_path)
    path.write_bytes(data)
    db = Database(sqlite_url(path))
    folder = tmp_path / "daily"
    try:
        with pytest.raises(StorageError):
            backup_if_due(db, folder)
    finally:
        db.dispose()
    assert path.read_bytes() == data
    assert list(folder.glob("skinlab-*.db")) == []


def _stamp_future(db: Database) -> None:
    with db.connect(write=True) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE_REVISION})


def test_upgrade_refuses_a_database_from_a_newer_version(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        users.create(session, email="ada@example.org", first_name="Ada", last_name="Lovelace")
    _stamp_future(db)
    tables = set(inspect(db.engine).get_table_names())
    backups = tmp_path / "future-backups"
    with pytest.raises(SchemaTooNewError) as caught:
        upgrade(db, backup_dir=backups)
    assert FUTURE_REVISION in caught.value.message
    assert current_revision(db) == FUTURE_REVISION
    assert set(inspect(db.engine).get_table_names()) == tables
    assert not backups.exists() or not any(backups.iterdir())
    with db.read() as session:
        assert [u.email for u in users.list_users(session)] == ["ada@example.org"]


def test_health_reports_a_database_from_a_newer_version(db: Database) -> None:
    _stamp_future(db)
    report = check_db_health(db)
    assert not report.ok and report.status == "unhealthy"
    assert report.problems and any(FUTURE_REVISION in p for p in report.problems)


def _database_with_a_damaged_page(tmp_path: Path) -> Path:
    """A real SkinLab database whose first page is sound but one of the users pages is not."""
    path = tmp_path / "damaged" / "skinlab.db"
    path.parent.mkdir()
    db = Database(sqlite_url(path))
    upgrade(db)
    with db.write() as session:
        for i in range(300):
            users.create(session, email=f"u{i}@example.org", first_name="F" * 60, last_name="L")
    with db.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    data = bytearray(path.read_bytes())
    page = 4096
    last_page = len(data) // page - 1
    data[(last_page - 1) * page : last_page * page] = _random_bytes(page)
    path.write_bytes(bytes(data))
    return path


def test_health_check_finds_a_damaged_page_that_probe_misses(tmp_path: Path) -> None:
    path = _database_with_a_damaged_page(tmp_path)
    db = Database(sqlite_url(path))
    try:
        db.probe()  # only page 1 is read: this alone cannot tell
        report = check_db_health(db)
    finally:
        db.dispose()
    assert not report.ok and report.problems


def test_a_damaged_database_never_pushes_good_backups_out(tmp_path: Path) -> None:
    """Backups rotate (only the newest are kept): a copy of a damaged database must be refused,
    or after a few starts every backup is as damaged as the database it should restore."""
    folder = tmp_path / "backups"
    good = Database(sqlite_url(tmp_path / "good.db"))
    try:
        upgrade(good)
        good_copies = {backup_sqlite(good, folder, label=f"good{i}") for i in range(KEEP_BACKUPS)}
    finally:
        good.dispose()
    damaged = Database(sqlite_url(_database_with_a_damaged_page(tmp_path)))
    try:
        with pytest.raises(CorruptDatabaseError):
            backup_sqlite(damaged, folder, label="daily")
    finally:
        damaged.dispose()
    assert set(folder.glob("skinlab-*.db")) == good_copies
