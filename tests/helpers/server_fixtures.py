"""The sync server for real: uvicorn on 127.0.0.1 over a real PostgreSQL, spoken to with httpx by
test devices that sign their own EdDSA tokens."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from server.app import create_app
from server.config import ServerSettings
from tests.helpers.pg_databases import scratch_database
from tests.helpers.server import Device, ServerHandle, enroll_device


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(settings: ServerSettings, app: FastAPI | None = None) -> Iterator[str]:
    """``create_app(settings)`` (or ``app``) served by uvicorn in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        app or create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="skinlab-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def server_database(postgres_server_url: str) -> Iterator[str]:
    """One database for the session's server; tests stay apart by using their own clinics."""
    with scratch_database(postgres_server_url, prefix="skinlab_server") as url:
        yield url


@pytest.fixture(scope="session")
def server(
    server_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerHandle]:
    settings = ServerSettings(
        database_url=server_database,
        blob_dir=tmp_path_factory.mktemp("blobs"),
        enroll_per_minute=100_000,  # every test enrolls its own devices; the limit has its tests
    )
    with running_server(settings) as url:
        yield ServerHandle(url=url, database_url=settings.database_url, settings=settings)


@pytest.fixture
def custom_server(server: ServerHandle, tmp_path: Path) -> Callable[..., Any]:
    """Another server on the same database with other settings (e.g. a small blob limit)."""

    @contextmanager
    def start(app: FastAPI | None = None, **changes: Any) -> Iterator[ServerHandle]:
        settings = replace(server.settings, blob_dir=tmp_path / "blobs", **changes)
        with running_server(settings, app) as url:
            yield ServerHandle(url=url, database_url=settings.database_url, settings=settings)

    return start


@pytest.fixture
def clinic() -> str:
    return f"Clinic {uuid.uuid4().hex[:8]}"


@pytest.fixture
def device(server: ServerHandle, clinic: str) -> Device:
    return enroll_device(server, clinic)


@pytest.fixture
def enroll(server: ServerHandle) -> Callable[..., Device]:
    """``enroll(clinic)``: another device, in that clinic."""
    return lambda clinic, **kw: enroll_device(server, clinic, **kw)
