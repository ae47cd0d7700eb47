"""Upgrading a database written by an older SkinLab: rows kept, backup first (SQLite), both engines."""

from __future__ import annotations

import sqlite3
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from core.storage import Database, sqlite_url
from core.storage.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from core.storage.repositories import users


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _first_revision() -> str:
    base = ScriptDirectory.from_config(_config()).get_base()
    assert isinstance(base, str)
    return base


def _database_at_first_revision(url: str) -> tuple[Database, uuid.UUID]:
    """A database as the first SkinLab release left it, with one account in it."""
    db = Database(url)
    config = _config()
    with db.connect(write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, _first_revision())
    user_id = uuid.uuid4()
    now = datetime.now(UTC)
    stamp = now.replace(tzinfo=None) if db.is_sqlite else now
    with db.connect(write=True) as conn:
        conn.execute(
            text(
                "INSERT INTO users (user_id, email, first_name, last_name, is_active, preferences,"
                " role, failed_login_count, created_at, updated_at) VALUES (:id, :email, 'Ada',"
                " 'Lovelace', :active, '{}', 'patient', 0, :now, :now)"
            ),
            {
                "id": user_id.hex if db.is_sqlite else user_id,
                "email": "ada@example.org",
                "active": True,
                "now": stamp,
            },
        )
    return db, user_id


def test_the_migrations_have_more_than_one_step() -> None:
    assert _first_revision() != head_revision()


def test_upgrading_from_the_first_release_keeps_the_rows(database_url: str, tmp_path: Path) -> None:
    db, user_id = _database_at_first_revision(database_url)
    try:
        assert current_revision(db) == _first_revision()
        assert upgrade(db, backup_dir=tmp_path / "backups") == head_revision()
        assert current_revision(db) == head_revision()
        with db.read() as session:
            user = users.get_by_email(session, "ada@example.org")
            assert user is not None and user.user_id == user_id
        with db.write() as session:  # and the upgraded row can be changed with today's models
            user = users.get(session, user_id)
            assert user is not None
            user.first_name = "Augusta"
    finally:
        db.dispose()


def test_upgrading_an_older_sqlite_file_backs_it_up_first(tmp_path: Path) -> None:
    path = tmp_path / "skinlab.db"
    db, _ = _database_at_first_revision(f"sqlite+pysqlite:///{path}")
    folder = tmp_path / "backups"
    try:
        upgrade(db, backup_dir=folder)
    finally:
        db.dispose()
    (backup,) = folder.glob("skinlab-*.db")
    assert head_revision() in backup.name
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            _first_revision()
        )
        assert conn.execute("SELECT email FROM users").fetchall() == [("ada@example.org",)]


def test_a_new_database_is_made_without_warnings_and_keeps_its_email_index(
    tmp_path: Path,
) -> None:
    """A first start (and the built app's self-check) printed SQLAlchemy's warning that it cannot
    reflect the index on lower(email): silenced in the migration, and the index is still there."""
    path = tmp_path / "fresh.db"
    db = Database(sqlite_url(path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        upgrade(db)
    with db.write() as session:
        users.create(session, email="ann@clinic.test", first_name="Ann", last_name="Lee")
    with sqlite3.connect(path) as conn:
        index = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'uq_users_email_lower'")
        assert "lower(email)" in index.fetchone()[0]
        names = [row[1] for row in conn.execute("PRAGMA table_xinfo(users)") if row[6] == 0]
        twin = dict(
            zip(
                names, conn.execute(f"SELECT {', '.join(names)} FROM users").fetchone(), strict=True
            )
        )
        twin.update(user_id=uuid.uuid4().hex, email="Ann@Clinic.test")
        marks = ", ".join("?" * len(twin))
        with pytest.raises(sqlite3.IntegrityError, match="uq_users_email_lower"):
            conn.execute(
                f"INSERT INTO users ({', '.join(twin)}) VALUES ({marks})", list(twin.values())
            )
