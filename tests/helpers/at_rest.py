"""Open a SkinLab SQLite file from a test the way the app does: plain, or with its data key; or
rewrite one as SkinLab stored it before (the earlier SQLCipher settings)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3

from core.security.keys import KEYINFO_FILE, KeyStore, open_data_key
from core.storage.at_rest import is_plain_sqlite
from core.storage.sqlcipher import (
    CIPHER_SETTINGS,
    LEGACY_CIPHER_SETTINGS,
    opens_with,
    raw_key,
    unlock,
)


def data_dir_of(path: Path) -> Path:
    """The data directory a database or backup file belongs to (the folder with keyinfo.json)."""
    for folder in (path.parent, path.parent.parent):
        if (folder / KEYINFO_FILE).exists():
            return folder
    raise FileNotFoundError(f"no {KEYINFO_FILE} beside {path}")


def key_store() -> KeyStore:
    return KeyStore(Path(os.environ["SKINLAB_KEY_DIR"]), mode="file")


def database_key(data_dir: Path) -> bytes:
    return open_data_key(data_dir, key_store(), encrypted=str(data_dir)).database_key


def open_sqlite(path: Path, *, read_only: bool = False, rows: bool = False) -> Any:
    """A DB-API connection (sqlite3 or sqlcipher3) to ``path``; ``rows`` gives name-addressable rows."""
    uri = Path(path).resolve().as_uri() + ("?mode=ro" if read_only else "")
    if is_plain_sqlite(Path(path)):
        conn: Any = sqlite3.connect(uri, uri=True)
        if rows:
            conn.row_factory = sqlite3.Row
        return conn
    conn = sqlcipher3.connect(uri, uri=True)
    unlock(conn, database_key(data_dir_of(Path(path))))
    if rows:
        conn.row_factory = sqlcipher3.Row
    return conn


def to_legacy(path: Path, key: bytes) -> None:
    """Rewrite ``path`` as SkinLab stored it before: SQLCipher 4's default (HMAC-SHA512) pages."""
    legacy = path.with_name(path.name + ".legacy")
    conn = sqlcipher3.connect(str(path))
    try:
        unlock(conn, key)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS legacy KEY ?", (str(legacy), raw_key(key)))
        conn.execute("SELECT sqlcipher_export('legacy')")
        conn.execute(f"PRAGMA legacy.user_version = {version}")
        conn.execute("DETACH DATABASE legacy")
    finally:
        conn.close()
    for journal in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        journal.unlink(missing_ok=True)
    legacy.replace(path)
    assert opens_with(path, key, LEGACY_CIPHER_SETTINGS)
    assert not opens_with(path, key, CIPHER_SETTINGS)
