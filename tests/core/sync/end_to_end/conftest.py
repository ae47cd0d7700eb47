"""End-to-end sync fixtures: one ``skinlab serve`` process for the session on a fresh PostgreSQL
database, a clinic per test, and devices that are real data directories."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.pg_databases import scratch_database
from tests.helpers.sync.world import DeviceDir, ServerProcess, enroll_code, open_device

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="session")
def sync_database(postgres_server_url: str) -> Iterator[str]:
    with scratch_database(postgres_server_url, prefix="skinlab_sync") as url:
        yield url


@pytest.fixture(scope="session")
def sync_server(
    sync_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("sync-server")
    server = ServerProcess(sync_database, root / "blobs", root)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clinic() -> str:
    return f"Clinic {uuid.uuid4().hex[:8]}"


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[Callable[[str], DeviceDir]]:
    """``devices(name)``: a new device data directory (closed at the end of the test)."""
    made: list[DeviceDir] = []

    def make(name: str) -> DeviceDir:
        device = open_device(tmp_path, name)
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()


@pytest.fixture
def enrolled(
    devices: Callable[[str], DeviceDir], sync_server: ServerProcess, clinic: str
) -> Callable[..., DeviceDir]:
    """``enrolled(name, server=None, role="admin")``: a device enrolled in this test's clinic."""

    def make(name: str, server: ServerProcess | None = None, role: str = "admin") -> DeviceDir:
        target = server or sync_server
        device = devices(name)
        device.enroll(target.url, enroll_code(target.database_url, clinic, role=role))
        return device

    return make
