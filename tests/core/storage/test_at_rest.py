"""Encryption at rest on real files: an older plain data directory is encrypted in place (nothing
plain left behind), the SQLite guarantees still hold, and a database under another key is refused."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from app.context import AppContext
from core.config import load_settings
from core.errors import SkinLabError
from core.security.cipher import MAGIC
from core.security.errors import DatabaseKeyError
from core.storage import Database, ImageStore, save_image, sqlite_url
from core.storage.at_rest import LEFTOVER, SQLITE_HEADER
from core.storage.migrate import backup_sqlite, upgrade
from core.storage.models import AuditEvent, User
from core.storage.repositories import audit, users
from tests.helpers.at_rest import open_sqlite

PHOTO = b"\xff\xd8\xff\xe0" + b"a face, or close enough" * 100


def _older_plain_directory(root: Path) -> str:
    """What SkinLab left before encryption: a plain database, backup, photo and cache file."""
    root.mkdir()
    db = Database(sqlite_url(root / "skinlab.db"))
    upgrade(db)
    with db.write() as session:
        users.create(
            session, email="jane@example.org", first_name="Jane", last_name="Doe", role="patient"
        )
    with db.write() as session:  # a photo is always saved with its row
        digest = save_image(
            session, ImageStore(root / "images"), PHOTO, media_type="image/jpeg"
        ).sha256
    backup_sqlite(db, root / "backups", label="daily")
    db.dispose()
    (root / "cache").mkdir()
    (root / "cache" / "cache.db").write_bytes(SQLITE_HEADER + b"jane@example.org analysis")
    return digest


def test_an_older_plain_directory_is_encrypted_in_place(tmp_path: Path) -> None:
    root = tmp_path / "data"
    digest = _older_plain_directory(root)
    ctx = AppContext(load_settings(data_dir=root))
    try:
        with ctx.database.read() as session:
            assert users.get_by_email(session, "jane@example.org") is not None
            events = [e.action for e in audit.recent(session)]
        assert "data_encrypted" in events
        assert ctx.images.read(digest) == PHOTO
    finally:
        ctx.close()
    assert (root / "skinlab.db").read_bytes()[:16] != SQLITE_HEADER
    backups = sorted((root / "backups").glob("skinlab-*.db"))
    assert backups and all(b.read_bytes()[:16] != SQLITE_HEADER for b in backups)
    with open_sqlite(backups[0]) as conn:
        assert conn.execute("SELECT email FROM users").fetchall() == [("jane@example.org",)]
    image = next((root / "images").glob("??/*"))
    assert image.read_bytes().startswith(MAGIC)
    everything = [p for p in root.rglob("*") if p.is_file()]
    assert not [p for p in everything if LEFTOVER in p.name or p.name.endswith(".encrypting")]
    for path in everything:
        assert b"jane@example.org" not in path.read_bytes(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_sqlite_guarantees_hold_on_the_encrypted_database(tmp_path: Path) -> None:
    ctx = AppContext(load_settings(data_dir=tmp_path))
    try:
        db = ctx.database
        assert db.encrypted
        with db.connect() as conn:
            pragmas = {
                name: conn.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "secure_delete")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10_000,
            "secure_delete": 1,
        }
        statements: list[str] = []
        from sqlalchemy import event

        event.listen(
            db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]), named=False
        )
        with db.write() as session:
            session.add(User(email="a@b.org", first_name="A", last_name="B", role="patient"))
        assert "BEGIN IMMEDIATE" in statements
        # foreign keys are enforced
        with pytest.raises(SkinLabError), db.connect(write=True) as conn:
            conn.execute(
                text(
                    "INSERT INTO skin_analysis_results (analysis_id, user_id, "
                    "skin_score, conditions, recommendations, routine, metrics, "
                    "region_metrics, result, engine_version, hlc, field_clocks, "
                    "created_at, updated_at) VALUES ('x', 'nobody', 1, '[]', '[]', "
                    "'{}', '{}', '{}', '{}', '1', '', '{}', '2026-01-01', "
                    "'2026-01-01')"
                )
            )
    finally:
        ctx.close()


def test_a_database_encrypted_with_another_key_is_refused(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for root in (ours, theirs):
        ctx = AppContext(load_settings(data_dir=root))
        ctx.database  # noqa: B018
        ctx.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ours}/skinlab.db{suffix}").unlink(missing_ok=True)
    shutil.copy(theirs / "skinlab.db", ours / "skinlab.db")
    before = (ours / "skinlab.db").read_bytes()
    ctx = AppContext(load_settings(data_dir=ours))
    try:
        with pytest.raises(DatabaseKeyError) as caught:
            ctx.database  # noqa: B018
        assert caught.value.code == "database_key_mismatch"
        assert "another key" in caught.value.message
    finally:
        ctx.close()
    assert (ours / "skinlab.db").read_bytes() == before


def test_audit_rows_written_under_encryption_verify(tmp_path: Path) -> None:
    ctx = AppContext(load_settings(data_dir=tmp_path))
    try:
        with ctx.database.write() as session:
            audit.record(session, "login")
        with ctx.database.read() as session:
            assert session.query(AuditEvent).count() == 1
    finally:
        ctx.close()
