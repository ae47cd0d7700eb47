"""How SkinLab's SQLite files are encrypted: SQLCipher 4 with a raw 256-bit key, AES-256-CBC with a
random IV per page, and every page authenticated by HMAC-SHA256 (SQLCipher 4's default is
HMAC-SHA512).

Why HMAC-SHA256: saving an analysis writes ~20 pages and reads ~20 more, and on an encrypted file
each one is HMAC'd; with SHA-512 that was the largest single cost of encryption (docs/benchmarks.md,
"Saving an analysis, encrypted"). HMAC-SHA256 keyed with 256 bits is a standard MAC (FIPS 198-1,
NIST SP 800-107; SQLCipher offers it, and its version 3 used HMAC-SHA1): forging a page without the
key is as infeasible as with SHA-512, and this CPU computes SHA-256 in hardware (SHA extensions),
~2.5x faster. Nothing else changes: every page is still authenticated and encrypted, the key is
the same. Files written with the earlier setting are rewritten once (``core.storage.at_rest``).

Every connection to an encrypted file must say the same settings right after the key, before
anything reads the file: :func:`unlock` and :func:`attach_encrypted` are the only places.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3

CIPHER_SETTINGS: tuple[str, ...] = ("cipher_hmac_algorithm = HMAC_SHA256",)
# SQLCipher 4's defaults, which SkinLab used until 2026-12-01 (HMAC-SHA512 pages).
LEGACY_CIPHER_SETTINGS: tuple[str, ...] = ()


def raw_key(key: bytes) -> str:
    """SQLCipher's spelling of a raw 256-bit key (used as is: no passphrase derivation)."""
    if len(key) != 32:
        raise ValueError("a SQLCipher key is 32 bytes")
    return f"x'{key.hex()}'"


def apply_settings(conn: Any, settings: tuple[str, ...] = CIPHER_SETTINGS) -> None:
    """The cipher settings, on a connection whose key is set and that has read nothing yet."""
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key fails as an error, not a log
    for setting in settings:
        conn.execute(f"PRAGMA {setting}")


def unlock(conn: Any, key: bytes, settings: tuple[str, ...] = CIPHER_SETTINGS) -> None:
    """Set the key and the cipher settings on a fresh driver connection."""
    conn.execute(f'PRAGMA key = "{raw_key(key)}"')
    apply_settings(conn, settings)


def attach_encrypted(conn: Any, path: Path, key: bytes, schema: str = "encrypted") -> None:
    """Attach ``path`` as ``schema``, encrypted with ``key`` in the current settings."""
    conn.execute(f"ATTACH DATABASE ? AS {schema} KEY ?", (str(path), raw_key(key)))
    for setting in CIPHER_SETTINGS:
        conn.execute(f"PRAGMA {schema}.{setting}")


def opens_with(path: Path, key: bytes, settings: tuple[str, ...]) -> bool:
    """Whether ``path`` reads as a database under ``key`` with these settings (it only reads)."""
    conn = sqlcipher3.connect(str(path))
    try:
        unlock(conn, key, settings)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()
