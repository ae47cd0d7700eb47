"""SQLite specifics: PRAGMAs, IMMEDIATE write transactions, concurrent writers, backups."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import URL

from core.errors import StorageError
from core.storage import Database, sqlite_url
from core.storage.migrate import (
    KEEP_BACKUPS,
    backup_if_due,
    backup_sqlite,
    current_revision,
    head_revision,
    upgrade,
)
from core.storage.models import User
from core.storage.repositories import users


def _add_users(db: Database, count: int, *, prefix: str = "person") -> set[str]:
    emails = {f"{prefix}{i}@example.org" for i in range(count)}
    with db.write() as session:
        for email in emails:
            users.create(session, email=email, first_name="Test", last_name="Person")
    return emails


def _emails_in_file(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT email FROM users")}


def _files_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def _pragma(db: Database, name: str) -> Any:
    with db.connect() as conn:
        return conn.execute(text(f"PRAGMA {name}")).scalar()


@pytest.fixture
def statements(sqlite_db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.strip().upper())

    event.listen(sqlite_db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(sqlite_db.engine, "before_cursor_execute", remember)


def test_connections_use_wal_foreign_keys_busy_timeout_and_full_sync(sqlite_db: Database) -> None:
    assert str(_pragma(sqlite_db, "journal_mode")).lower() == "wal"
    assert _pragma(sqlite_db, "foreign_keys") == 1
    assert _pragma(sqlite_db, "busy_timeout") > 0
    assert _pragma(sqlite_db, "synchronous") == 2  # 2 is FULL in SQLite's numbering


def test_pragmas_hold_on_a_connection_opened_by_another_thread(sqlite_db: Database) -> None:
    found: dict[str, Any] = {}

    def read() -> None:
        with sqlite_db.connect() as first, sqlite_db.connect() as second:
            for name, conn in (("first", first), ("second", second)):
                found[name] = (
                    conn.execute(text("PRAGMA foreign_keys")).scalar(),
                    conn.execute(text("PRAGMA busy_timeout")).scalar(),
                )

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(10)
    assert set(found) == {"first", "second"}
    for foreign_keys, busy_timeout in found.values():
        assert foreign_keys == 1 and busy_timeout > 0


def test_synchronous_mode_follows_the_setting(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "normal.db"), synchronous="NORMAL")
    try:
        assert _pragma(db, "synchronous") == 1  # NORMAL
    finally:
        db.dispose()


def test_write_transactions_begin_immediate(sqlite_db: Database, statements: list[str]) -> None:
    with sqlite_db.write() as session:
        users.create(session, email="ada@example.org", first_name="Ada", last_name="Lovelace")
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins and set(begins) == {"BEGIN IMMEDIATE"}
    assert statements[0] == "BEGIN IMMEDIATE"


def test_core_write_connections_begin_immediate(sqlite_db: Database, statements: list[str]) -> None:
    with sqlite_db.connect(write=True) as conn:
        conn.execute(text("SELECT 1"))
    assert statements[0] == "BEGIN IMMEDIATE"


def test_reads_do_not_take_the_write_lock(sqlite_db: Database, statements: list[str]) -> None:
    with sqlite_db.read() as session:
        session.scalars(select(User)).all()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN"]


def test_concurrent_read_then_write_increments_lose_nothing(sqlite_db: Database) -> None:
    with sqlite_db.write() as session:
        user_id = users.create(
            session, email="counter@example.org", first_name="Count", last_name="Er"
        ).user_id
    per_thread, threads = 50, 2
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def increment() -> None:
        start.wait()
        for _ in range(per_thread):
            try:
                with sqlite_db.write() as session:
                    user = session.get(User, user_id)
                    assert user is not None
                    seen = user.failed_login_count
                    time.sleep(0.001)  # widen the window between the read and the write
                    user.failed_login_count = seen + 1
                    user.preferences = {**user.preferences, "n": seen + 1}
            except BaseException as exc:
                errors.append(exc)

    workers = [threading.Thread(target=increment) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    with sqlite_db.read() as session:
        user = session.get(User, user_id)
        assert user is not None
        assert user.failed_login_count == per_thread * threads
        assert user.preferences == {"n": per_thread * threads}


def test_backup_is_a_readable_copy_with_the_same_rows(sqlite_db: Database, tmp_path: Path) -> None:
    emails = _add_users(sqlite_db, 5)
    # The rows are still in the WAL file: a plain file copy would miss them, a backup must not.
    target = backup_sqlite(sqlite_db, tmp_path / "copies", label="manual")
    assert target is not None and target.parent == tmp_path / "copies"
    assert _emails_in_file(target) == emails
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy = Database(sqlite_url(target))
    try:
        assert current_revision(copy) == head_revision()
    finally:
        copy.dispose()


@pytest.mark.parametrize("folder", ["Clinic #2", "50% off", "why?", "a%20b"])
def test_backup_works_in_a_folder_with_url_characters(tmp_path: Path, folder: str) -> None:
    """A data directory may be any folder a person picks, such as "Clinic #2"."""
    directory = tmp_path / folder
    directory.mkdir()
    # Built as a URL object so that this test is about the backup, not about sqlite_url().
    url = URL.create("sqlite+pysqlite", database=str(directory / "skinlab.db"))
    db = Database(url.render_as_string(hide_password=False))
    try:
        upgrade(db)
        emails = _add_users(db, 3)
        target = backup_sqlite(db, directory / "backups")
        assert target is not None
        assert _emails_in_file(target) == emails
        assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # no stray files beside it
    finally:
        db.dispose()


@pytest.mark.parametrize("folder", ["Clinic #2", "why?", "a%20b"])
def test_sqlite_url_keeps_the_path_intact(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "skinlab.db"
    path.parent.mkdir()
    db = Database(sqlite_url(path))
    try:
        assert db.sqlite_path == path
        db.probe()
        assert path.exists()
    finally:
        db.dispose()


def test_backups_are_pruned_to_the_newest(sqlite_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    made = [backup_sqlite(sqlite_db, folder, label=f"n{i:02d}") for i in range(KEEP_BACKUPS + 3)]
    kept = sorted(folder.glob("skinlab-*.db"))
    assert len(kept) == KEEP_BACKUPS
    assert kept == sorted(p for p in made if p is not None)[-KEEP_BACKUPS:]


def test_backup_if_due_only_when_the_newest_backup_is_old(
    sqlite_db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "daily"
    first = backup_if_due(sqlite_db, folder, max_age_hours=24)
    assert first is not None and first.exists()
    assert backup_if_due(sqlite_db, folder, max_age_hours=24) is None
    day_and_a_bit = time.time() - 25 * 3600
    os.utime(first, (day_and_a_bit, day_and_a_bit))
    second = backup_if_due(sqlite_db, folder, max_age_hours=24)
    assert second is not None and second != first
    assert len(list(folder.glob("skinlab-*.db"))) == 2


def test_upgrading_a_fresh_database_makes_no_backup(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "fresh.db"))
    folder = tmp_path / "backups"
    try:
        assert upgrade(db, backup_dir=folder) == head_revision()
        assert _files_in(folder) == []
        upgrade(db, backup_dir=folder)  # already at head: a second start makes none either
        assert _files_in(folder) == []
    finally:
        db.dispose()


def test_upgrading_an_existing_database_backs_it_up_first(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # a database from before SkinLab's first migration
        conn.execute("CREATE TABLE legacy_notes (id TEXT PRIMARY KEY, body TEXT)")
        conn.executemany(
            "INSERT INTO legacy_notes VALUES (?, ?)",
            [(uuid.uuid4().hex, f"n{i}") for i in range(4)],
        )
    db = Database(sqlite_url(path))
    try:
        assert upgrade(db, backup_dir=tmp_path / "backups") == head_revision()
        backups = list((tmp_path / "backups").glob("skinlab-*.db"))
        assert len(backups) == 1
        with sqlite3.connect(backups[0]) as conn:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            assert conn.execute("SELECT count(*) FROM legacy_notes").fetchone()[0] == 4
        assert "users" not in tables and "alembic_version" not in tables
        assert "users" in inspect(db.engine).get_table_names()
    finally:
        db.dispose()


def test_a_failed_upgrade_keeps_the_backup_and_changes_nothing(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Tables without a recorded revision: the upgrade backs up, then fails on the existing
    tables; the database must be exactly as before (DDL is transactional on SQLite)."""
    emails = _add_users(sqlite_db, 2)
    with sqlite_db.connect(write=True) as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    tables_before = set(inspect(sqlite_db.engine).get_table_names())
    with pytest.raises(StorageError):
        upgrade(sqlite_db, backup_dir=tmp_path / "before")
    backups = list((tmp_path / "before").glob("skinlab-*.db"))
    assert len(backups) == 1 and _emails_in_file(backups[0]) == emails
    assert set(inspect(sqlite_db.engine).get_table_names()) == tables_before
    assert current_revision(sqlite_db) is None
    with sqlite_db.read() as session:
        assert {u.email for u in users.list_users(session)} == emails
