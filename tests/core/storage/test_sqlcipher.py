"""SQLCipher settings on real files: every file SkinLab encrypts (the database, its backups) has its
pages authenticated with HMAC-SHA256 and opens only in those settings and with its key; a data
directory encrypted in the earlier settings (HMAC-SHA512, SQLCipher 4's default) is rewritten once,
everything kept, nothing left behind."""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import sqlcipher3
from sqlalchemy import text

from app.context import AppContext
from core.config import load_settings
from core.storage import Database, sqlite_url
from core.storage.migrate import backup_sqlite, upgrade
from core.storage.models import AuditEvent
from core.storage.repositories import users
from core.storage.sqlcipher import (
    CIPHER_SETTINGS,
    LEGACY_CIPHER_SETTINGS,
    opens_with,
    unlock,
)
from tests.helpers.at_rest import database_key, open_sqlite, to_legacy


def test_a_new_database_and_its_backup_use_hmac_sha256_pages(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    db = Database(sqlite_url(tmp_path / "skinlab.db"), key=key)
    try:
        upgrade(db)
        with db.write() as session:
            users.create(session, email="jane@example.org", first_name="Jane", last_name="Doe")
        with db.connect() as conn:
            assert conn.execute(text("PRAGMA cipher_hmac_algorithm")).scalar() == "HMAC_SHA256"
            assert conn.execute(text("PRAGMA cipher_use_hmac")).scalar() == "1"
        backup = backup_sqlite(db, tmp_path / "backups")
    finally:
        db.dispose()
    assert backup is not None
    for path in (tmp_path / "skinlab.db", backup):
        assert opens_with(path, key, CIPHER_SETTINGS)
        assert not opens_with(path, key, LEGACY_CIPHER_SETTINGS)  # the settings are part of it
        assert not opens_with(path, secrets.token_bytes(32), CIPHER_SETTINGS)
        assert b"jane@example.org" not in path.read_bytes()


def test_a_tampered_page_is_refused(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    path = tmp_path / "skinlab.db"
    db = Database(sqlite_url(path), key=key)
    try:
        upgrade(db)
        db.checkpoint()
    finally:
        db.dispose()
    raw = bytearray(path.read_bytes())
    raw[4096 + 100] ^= 0x01  # one bit of page 2
    path.write_bytes(bytes(raw))
    conn = sqlcipher3.connect(str(path))
    try:
        unlock(conn, key)
        try:
            conn.execute("PRAGMA integrity_check").fetchall()
        except sqlcipher3.DatabaseError:
            return
        raise AssertionError("a page with a flipped bit was read")
    finally:
        conn.close()


def test_files_in_the_earlier_settings_are_rewritten_once(tmp_path: Path) -> None:
    root = tmp_path / "data"
    ctx = AppContext(load_settings(data_dir=root))
    try:
        with ctx.database.write() as session:
            users.create(session, email="jane@example.org", first_name="Jane", last_name="Doe")
        backup = backup_sqlite(ctx.database, root / "backups", label="daily")
    finally:
        ctx.close()
    assert backup is not None
    key = database_key(root)
    for path in (root / "skinlab.db", backup):
        to_legacy(path, key)

    ctx = AppContext(load_settings(data_dir=root))
    try:
        converted = ctx.at_rest[1]
        assert converted.resettled == 2 and not converted.database and converted.anything
        with ctx.database.read() as session:
            assert users.get_by_email(session, "jane@example.org") is not None
            recorded = session.query(AuditEvent).filter_by(action="data_encrypted").all()
        assert [e.details["resettled"] for e in recorded] == [2]
    finally:
        ctx.close()
    for path in (root / "skinlab.db", backup):
        assert opens_with(path, key, CIPHER_SETTINGS), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    with open_sqlite(backup) as conn:
        assert conn.execute("SELECT email FROM users").fetchall() == [("jane@example.org",)]
    assert not [p for p in root.rglob("*") if ".encrypting" in p.name or ".legacy" in p.name]

    ctx = AppContext(load_settings(data_dir=root))  # the next start has nothing to do
    try:
        assert ctx.at_rest[1].resettled == 0 and not ctx.at_rest[1].anything
    finally:
        ctx.close()
