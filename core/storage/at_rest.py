"""Bring a data directory under encryption: find or create its key, encrypt what an older SkinLab
left in plain files, and make every file owner-only.

Plain files are never kept once their encrypted copy is verified: the database is exported with
SQLCipher to a new file, checked (integrity and the row count of every table), swapped in, and the
plain file is overwritten and deleted. A file encrypted in the earlier SQLCipher settings
(HMAC-SHA512 pages, :mod:`core.storage.sqlcipher`) is rewritten in the current ones the same way. Backups get the same treatment, photos are sealed one by one,
and the analysis cache is dropped (it is only a cache). A failure leaves the plain original as it
was and stops the start with a message; nothing is half-converted.

Files are rewritten only by a process alone with the data directory (holding its process lock
exclusively, :mod:`core.storage.instance`): an older SkinLab still writing to the plain file would
lose its writes. With another process present, a start that finds something to rewrite stops
with :class:`DataDirUpgradeBusyError` and changes nothing. A SkinLab older than the process lock is
seen by SQLite's own lock on the database's "-shm" file (:func:`sqlite_open_elsewhere`).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from core.errors import CorruptDatabaseError, DataDirUpgradeBusyError, StorageError
from core.paths import DataPaths
from core.security.cipher import MAGIC, FileCipher
from core.security.keys import DataKey, KeyStore, open_data_key
from core.security.permissions import create_private_file, tighten_tree
from core.security.shred import shred
from core.storage.images import ImageStore, sha256_hex, write_atomically
from core.storage.instance import sqlite_open_elsewhere
from core.storage.sqlcipher import (
    CIPHER_SETTINGS,
    LEGACY_CIPHER_SETTINGS,
    attach_encrypted,
    opens_with,
    unlock,
)

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"
LEFTOVER = ".plain-before-encryption"


@dataclass(frozen=True)
class Conversion:
    """What an older plain data directory had encrypted on this start (all zero on later starts)."""

    database: bool = False
    backups: int = 0
    images: int = 0
    cache_dropped: bool = False
    resettled: int = 0  # encrypted files rewritten from the earlier SQLCipher settings

    @property
    def anything(self) -> bool:
        return self.database or bool(
            self.backups or self.images or self.cache_dropped or self.resettled
        )


def _header(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(16)
    except OSError:
        return b""


def is_plain_sqlite(path: Path) -> bool:
    return _header(path) == SQLITE_HEADER


def encrypted_evidence(paths: DataPaths) -> str | None:
    """The first file that is not plain (so a new key would lose it), in words; None if none."""
    db = paths.database
    if db.exists() and db.stat().st_size > 0 and not is_plain_sqlite(db):
        return f"The database {db}"
    for backup in sorted(paths.backups.glob("skinlab-*.db")):
        if backup.stat().st_size and not is_plain_sqlite(backup):
            return f"The backup {backup}"
    for image in paths.images.glob("??/*"):
        if _header(image)[: len(MAGIC)] == MAGIC:
            return f"The photo {image}"
    return None


def prepare_at_rest(
    paths: DataPaths, store: KeyStore, *, may_rewrite: bool = True
) -> tuple[DataKey, Conversion]:
    """The data key for ``paths``, with every older plain file encrypted and permissions tight.

    ``may_rewrite`` is False while another SkinLab process uses the directory: then anything that
    would be rewritten stops the start with :class:`DataDirUpgradeBusyError`, untouched.
    """
    key = open_data_key(paths.root, store, encrypted=encrypted_evidence(paths))
    if not may_rewrite:
        waiting = pending_rewrites(paths, key.database_key)
        if waiting:
            more = f" and {len(waiting) - 1} more" if len(waiting) > 1 else ""
            raise DataDirUpgradeBusyError(
                f"SkinLab must bring {waiting[0]}{more} under its encryption once, but another "
                f"SkinLab process is using {paths.root}. Close every other SkinLab on this data "
                "directory (kiosk, desktop, commands), then start again."
            )
        tighten_tree(paths.root)
        return key, Conversion()
    databases = [paths.database, *sorted(paths.backups.glob("skinlab-*.db"))]
    for path in databases:  # the process lock cannot see a SkinLab older than it
        if _needs_rewrite(path, key.database_key) and sqlite_open_elsewhere(path):
            raise DataDirUpgradeBusyError(
                f"SkinLab must bring {path} under its encryption once, but another program (an "
                "older SkinLab?) has it open. Close every other SkinLab on this data directory "
                "(kiosk, desktop, commands), then start again."
            )
    resettled = sum(_resettle(path, key.database_key) for path in databases)
    converted = Conversion(
        database=_encrypt_database(paths.database, key.database_key),
        backups=sum(
            _encrypt_database(b, key.database_key) for b in paths.backups.glob("skinlab-*.db")
        ),
        images=_seal_images(ImageStore(paths.images, cipher=FileCipher(key.file_key))),
        cache_dropped=_drop_plain_cache(paths.cache),
        resettled=resettled,
    )
    tighten_tree(paths.root)
    if converted.anything:
        log.info("Brought older files under the current encryption: %s", converted)
    return key, converted


def pending_rewrites(paths: DataPaths, database_key: bytes) -> list[Path]:
    """What :func:`prepare_at_rest` would rewrite: plain databases and backups, ones in the earlier
    encryption settings, plain photos it would seal, and a plain analysis cache."""
    databases = [paths.database, *sorted(paths.backups.glob("skinlab-*.db"))]
    found = [p for p in databases if _needs_rewrite(p, database_key)]
    store = ImageStore(paths.images)
    for digest in store.digests():
        path = store.path_for(digest)
        if _header(path)[: len(MAGIC)] != MAGIC and sha256_hex(path.read_bytes()) == digest:
            found.append(path)
    marker = paths.cache / ".encrypted"
    cached = paths.cache.is_dir() and any(p.is_file() for p in paths.cache.rglob("*"))
    if cached and not marker.exists():
        found.append(paths.cache)
    return found


def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        n
        for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def _encrypt_database(path: Path, key: bytes) -> bool:
    """Encrypt a plain SQLite file in place; False when it is absent or already encrypted."""
    leftover = path.with_name(path.name + LEFTOVER)
    if not is_plain_sqlite(path):
        if leftover.exists() and path.exists():
            shred(leftover)  # a crash after the swap: the encrypted file is in place
        return False
    target = _export(path, key, source_settings=None)
    path.replace(leftover)
    _swap_in(target, path)
    shred(leftover)
    return True


def _resettle(path: Path, key: bytes) -> bool:
    """Rewrite a file encrypted in the earlier settings in the current ones; False otherwise.

    A file that opens under neither (another key, damage) is left alone: opening it reports that.
    """
    if not _in_earlier_settings(path, key):
        return False
    _swap_in(_export(path, key, source_settings=LEGACY_CIPHER_SETTINGS), path)  # one rename
    return True


def _needs_rewrite(path: Path, key: bytes) -> bool:
    return is_plain_sqlite(path) or _in_earlier_settings(path, key)


def _in_earlier_settings(path: Path, key: bytes) -> bool:
    if not path.exists() or path.stat().st_size == 0 or is_plain_sqlite(path):
        return False
    return not opens_with(path, key, CIPHER_SETTINGS) and opens_with(
        path, key, LEGACY_CIPHER_SETTINGS
    )


def _export(path: Path, key: bytes, *, source_settings: tuple[str, ...] | None) -> Path:
    """A verified copy of ``path`` (plain when ``source_settings`` is None) encrypted with ``key``
    in the current settings, beside it; the original is left as it was if anything fails."""
    target = path.with_name(path.name + ".encrypting")
    for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)
    create_private_file(target)
    try:
        source = sqlcipher3.connect(str(path))
        try:
            if source_settings is not None:
                unlock(source, key, source_settings)
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            before = _table_counts(source)
            version = int(source.execute("PRAGMA user_version").fetchone()[0])
            attach_encrypted(source, target, key)
            source.execute("SELECT sqlcipher_export('encrypted')")
            source.execute(f"PRAGMA encrypted.user_version = {version}")
            source.execute("DETACH DATABASE encrypted")
        finally:
            source.close()
        check = sqlcipher3.connect(str(target))
        try:
            unlock(check, key)
            verdict = [r[0] for r in check.execute("PRAGMA integrity_check").fetchall()]
            after = _table_counts(check)
            check.execute("PRAGMA journal_mode = WAL")
        finally:
            check.close()
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError) as exc:
        target.unlink(missing_ok=True)
        raise CorruptDatabaseError(
            f"The database {path} could not be encrypted ({exc}); it was left as it was. "
            "Run 'skinlab db check', or restore it from the backups folder."
        ) from exc
    if verdict != ["ok"] or before != after:
        target.unlink(missing_ok=True)
        raise StorageError(
            f"The encrypted copy of {path} did not match the original ({verdict[:1]}, "
            f"{before} vs {after}); the original was left as it was."
        )
    return target


def _swap_in(target: Path, path: Path) -> None:
    """Put the verified copy ``target`` in place of ``path`` (whose log is empty: checkpointed)."""
    for journal in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        journal.unlink(missing_ok=True)  # never to meet the new file
    target.replace(path)
    for journal in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        if journal.exists():
            journal.replace(Path(f"{path}{journal.name[len(target.name) :]}"))


def _seal_images(store: ImageStore) -> int:
    """Seal every plain image file (verified by its name first); the plain bytes are shredded."""
    sealed = 0
    for digest in store.digests():
        path = store.path_for(digest)
        raw = path.read_bytes()
        if raw[: len(MAGIC)] == MAGIC:
            continue
        if sha256_hex(raw) != digest:
            log.warning("Leaving damaged plain image %s for 'skinlab doctor'", path)
            continue
        assert store.cipher is not None
        leftover = path.with_name(path.name + LEFTOVER)
        path.replace(leftover)
        write_atomically(path, store.cipher.seal(raw, context=f"image:{digest}"))
        shred(leftover)
        sealed += 1
    for leftover in store.root.glob(f"??/*{LEFTOVER}"):
        shred(leftover)
    return sealed


def _drop_plain_cache(directory: Path) -> bool:
    """An older cache holds plain analyses: shred its files; the encrypted cache starts empty."""
    marker = directory / ".encrypted"
    if marker.exists() or not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        create_private_file(marker)
        return False
    files = [p for p in directory.rglob("*") if p.is_file()]
    for path in files:
        shred(path)
    create_private_file(marker)
    return bool(files)
