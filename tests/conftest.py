"""Shared fixtures: real SQLite files and a real PostgreSQL (pgserver, or SKINLAB_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Data keys made by tests go to a throw-away folder, never to a developer's keyring or config.
os.environ.setdefault("SKINLAB_KEY_DIR", tempfile.mkdtemp(prefix="skinlab-test-keys-"))
os.environ.setdefault("SKINLAB_KEY_STORE", "file")

from core.storage import Database, sqlite_url
from core.storage.migrate import upgrade
from tests.helpers.pg_databases import scratch_database

pytest_plugins = [
    "tests.helpers.faces",
    "tests.helpers.mounts",
    "tests.helpers.server_fixtures",
    "tests.helpers.smtp",
]


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server URL for the whole run: the configured one, or an ephemeral pgserver."""
    configured = os.environ.get("SKINLAB_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    import pgserver

    # pgserver's socket path must stay short (Unix sockets are limited to ~100 bytes).
    root = Path("/tmp") / f"skinlab-pg-{os.getpid()}"
    server = pgserver.get_server(root, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    with scratch_database(postgres_server_url) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs twice: on a SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "skinlab.db")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on either engine."""
    database = Database(database_url)
    upgrade(database, backup_dir=tmp_path / "backups")
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(sqlite_url(tmp_path / "skinlab.db"))
    upgrade(database, backup_dir=tmp_path / "backups")
    try:
        yield database
    finally:
        database.dispose()
