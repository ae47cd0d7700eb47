"""Shared fixtures: real SQLite files and a real PostgreSQL (pgserver, or SKINLAB_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Data keys made by tests go to a throw-away folder, never to a developer's keyring or config.
os.environ.setdefault("SKINLAB_KEY_DIR", tempfile.mkdtemp(prefix="skinlab-test-keys-"))
os.environ.setdefault("SKINLAB_KEY_STORE", "file")

from core.storage import Database, sqlite_url
from core.storage.migrate import upgrade
from tests.helpers.pg_databases import scratch_database

pytest_plugins = [
    "tests.helpers.desktop_fixtures",
    "tests.helpers.faces",
    "tests.helpers.mounts",
    "tests.helpers.server_fixtures",
    "tests.helpers.smtp",
    "tests.helpers.watchdog",
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


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema once per run (per xdist worker), to copy."""
    path = tmp_path_factory.mktemp("migrated-sqlite") / "skinlab.db"
    database = Database(sqlite_url(path))
    try:
        upgrade(database)
    finally:
        database.dispose()
    assert not path.with_name(path.name + "-wal").exists(), "the template was not checkpointed"
    return path


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_server_url: str) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to the newest schema once per run (per xdist
    worker); nobody stays connected to it, so ``CREATE DATABASE ... TEMPLATE`` can copy it."""
    with scratch_database(postgres_server_url, prefix="skinlab_migrated") as url:
        database = Database(url)
        try:
            upgrade(database)
        finally:
            database.dispose()
        name = make_url(url).database
        assert name is not None
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs twice: on a SQLite file and on a real PostgreSQL database.

    Empty, unless the test also asks for ``db``: then it is already at the newest schema, a copy of
    the database migrated once per run (migrating each test's database again cost about a minute
    of every run; the migrations have their own tests)."""
    migrated = "db" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "skinlab.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
        yield sqlite_url(path)
        return
    server = request.getfixturevalue("postgres_server_url")
    template = request.getfixturevalue("migrated_postgres_template") if migrated else None
    with scratch_database(server, template=template) as url:
        yield url


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on either engine (``upgrade`` finds the copy current)."""
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
