"""The one-time rewrites at start (plain -> encrypted, earlier SQLCipher settings -> current) run
only under the data directory's process lock held alone. Two real processes on real files: an
older SkinLab still running on the directory (tests/helpers/older_skinlab.py, holding the lock
shared and the plain database open) makes the new one refuse with a typed error and touch nothing;
its writes survive and are encrypted by the next start, once it is gone."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.context import AppContext
from core.config import load_settings
from core.errors import DataDirBusyError, DataDirUpgradeBusyError
from core.storage import Database, sqlite_url
from core.storage.at_rest import SQLITE_HEADER, is_plain_sqlite
from core.storage.migrate import upgrade
from core.storage.repositories import users
from core.storage.sqlcipher import CIPHER_SETTINGS, LEGACY_CIPHER_SETTINGS, opens_with
from tests.helpers.at_rest import database_key, to_legacy

REPO = Path(__file__).resolve().parents[3]


class Older:
    """An older SkinLab process on ``root``, spoken to line by line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def say(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()


@contextmanager
def older_skinlab(root: Path, *options: str) -> Iterator[Older]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.older_skinlab", str(root), *options],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        yield Older(process)
        assert process.stdin is not None
        process.stdin.write("quit\n")
        process.stdin.close()
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)


def _plain_directory(root: Path) -> None:
    """A data directory as SkinLab left it before encryption: a plain database with one patient."""
    root.mkdir()
    db = Database(sqlite_url(root / "skinlab.db"))
    upgrade(db)
    with db.write() as session:
        users.create(session, email="jane@example.org", first_name="Jane", last_name="Doe")
    db.dispose()


def _emails(root: Path) -> set[str]:
    ctx = AppContext(load_settings(data_dir=root))
    try:
        with ctx.database.read() as session:
            return {u.email for u in users.list_users(session)}
    finally:
        ctx.close()


def test_a_plain_database_held_by_an_older_skinlab_is_not_encrypted_under_it(tmp_path: Path):
    root = tmp_path / "data"
    _plain_directory(root)
    with older_skinlab(root) as older:
        ctx = AppContext(load_settings(data_dir=root))
        try:
            with pytest.raises(DataDirUpgradeBusyError) as refused:
                ctx.database  # noqa: B018
        finally:
            ctx.close()
        assert refused.value.code == "upgrade_needs_data_dir_alone"
        assert isinstance(refused.value, DataDirBusyError)  # shown as any busy directory is
        assert str(root / "skinlab.db") in refused.value.message
        assert "Close every other SkinLab" in refused.value.message
        assert is_plain_sqlite(root / "skinlab.db")  # untouched, and nothing half-made beside it
        assert not [
            p
            for p in root.rglob("*")
            if p.name.endswith((".encrypting", ".plain-before-encryption"))
        ]
        assert older.say("add anne@example.org") == "ok"  # the older one carries on writing
        command = subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(root), "users", "list"],
            capture_output=True, text=True, cwd=REPO, timeout=300,
        )  # fmt: skip
        assert command.returncode == 1  # a command says the same, in a sentence
        assert command.stderr.startswith("skinlab: SkinLab must bring"), command.stderr
        assert is_plain_sqlite(root / "skinlab.db")
    assert _emails(root) == {"jane@example.org", "anne@example.org"}  # alone now: encrypted
    assert (root / "skinlab.db").read_bytes()[:16] != SQLITE_HEADER


def test_a_skinlab_from_before_the_process_lock_is_seen_by_its_open_database(tmp_path: Path):
    """It holds no process lock, but SQLite's own lock on the "-shm" file shows it is there."""
    root = tmp_path / "data"
    _plain_directory(root)
    with older_skinlab(root, "--no-lock") as older:
        ctx = AppContext(load_settings(data_dir=root))
        try:
            with pytest.raises(DataDirUpgradeBusyError) as refused:
                ctx.database  # noqa: B018
            assert ctx._process_lock is None  # released: the next start may try again
        finally:
            ctx.close()
        assert "another program (an older SkinLab?) has it open" in refused.value.message
        assert is_plain_sqlite(root / "skinlab.db")
        assert older.say("add anne@example.org") == "ok"
    assert _emails(root) == {"jane@example.org", "anne@example.org"}
    assert not is_plain_sqlite(root / "skinlab.db")


def test_a_file_in_the_earlier_settings_is_not_rewritten_beside_another_process(tmp_path: Path):
    root = tmp_path / "data"
    assert _emails(root) == set()  # a new, encrypted data directory
    key = database_key(root)
    to_legacy(root / "skinlab.db", key)
    with older_skinlab(root, "--lock-only"):
        ctx = AppContext(load_settings(data_dir=root))
        try:
            with pytest.raises(DataDirUpgradeBusyError):
                ctx.at_rest  # noqa: B018  (the key alone, as 'skinlab db check' takes it)
        finally:
            ctx.close()
        assert opens_with(root / "skinlab.db", key, LEGACY_CIPHER_SETTINGS)
    assert _emails(root) == set()
    assert opens_with(root / "skinlab.db", key, CIPHER_SETTINGS)


def test_with_nothing_to_rewrite_a_second_process_starts_beside_the_first(tmp_path: Path):
    root = tmp_path / "data"
    _plain_directory(root)
    assert _emails(root) == {"jane@example.org"}  # encrypted on this start
    with older_skinlab(root, "--lock-only"):
        assert _emails(root) == {"jane@example.org"}


def test_a_start_that_only_takes_the_key_shares_the_lock_afterwards(tmp_path: Path):
    """'skinlab analyze' needs the key (for the cache) but not the database: it rewrites under the
    lock held alone, then shares it, so another SkinLab can start beside it (one that found the
    lock still exclusive would give up after 30 s and never say 'ready')."""
    root = tmp_path / "data"
    _plain_directory(root)
    ctx = AppContext(load_settings(data_dir=root))
    try:
        assert ctx.at_rest[1].database  # encrypted on this start, by this process alone
        with older_skinlab(root, "--lock-only"):
            pass
    finally:
        ctx.close()
    assert not is_plain_sqlite(root / "skinlab.db")
