"""The assertions the end-to-end tests share: converged, and nothing lost or duplicated."""

from __future__ import annotations

import os
import time
from pathlib import Path

from core.sync import state
from server.config import normalize_database_url
from tests.helpers.at_rest import open_sqlite
from tests.helpers.sync.compare import (
    SYNCED_TABLES,
    blob_problems,
    device_state,
    differences,
    image_problems,
    integrity,
    server_differences,
    server_state,
)
from tests.helpers.sync.world import DeviceDir, ServerProcess

Ids = dict[str, set[str]]


def db_file(device: DeviceDir) -> Path:
    path = device.db.sqlite_path
    assert path is not None
    return path


def clinic_of(device: DeviceDir) -> str:
    return state.read_all(device.db)[state.CLINIC_ID]


def age_files(device: DeviceDir, seconds: float = 7200) -> None:
    """Make every photo file look old, so the collector may take the ones no row names."""
    past = time.time() - seconds
    for path in device.ctx.images.root.glob("??/*"):
        os.utime(path, (past, past))


def ids_of(*devices: DeviceDir) -> Ids:
    """Every synced row id the devices hold now, by table."""
    out: Ids = {table: set() for table in SYNCED_TABLES}
    for device in devices:
        st = device_state(db_file(device))
        for table in SYNCED_TABLES:
            out[table] |= st.ids(table)
    return out


def local_queue(device: DeviceDir) -> dict[str, int]:
    """What the device still holds back: outbox rows, captured batches, set-aside changes."""
    conn = open_sqlite(db_file(device), read_only=True)
    try:
        return {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("sync_outbox", "sync_batches", "sync_conflicts")
        }
    finally:
        conn.close()


def assert_converged(server: ServerProcess, *devices: DeviceDir, strict_files: bool) -> None:
    """Devices match each other row for row, each matches the server, and files match rows."""
    states = [device_state(db_file(d)) for d in devices]
    for device, st in zip(devices, states, strict=True):
        assert integrity(db_file(device)) == "ok"
        assert not any(st.duplicates.values()), st.duplicates
        assert image_problems(device.ctx.images, st, strict=strict_files) == [], device.name
    for other in states[1:]:
        assert differences(states[0], other) == []
    on_server = server_state(normalize_database_url(server.database_url), clinic_of(devices[0]))
    assert on_server.duplicates == 0
    for device, st in zip(devices, states, strict=True):
        assert server_differences(device.db, st, on_server) == [], device.name
    assert blob_problems(server.blob_dir, on_server) == []


def assert_nothing_lost(server: ServerProcess, expected: Ids, *devices: DeviceDir) -> None:
    """Exactly the rows created, once each, everywhere; every photo intact; no queue left."""
    assert_converged(server, *devices, strict_files=True)
    for device in devices:
        held = ids_of(device)
        for table in SYNCED_TABLES:
            lost, extra = expected[table] - held[table], held[table] - expected[table]
            assert not lost and not extra, (device.name, table, len(lost), len(extra))
        assert local_queue(device) == {"sync_outbox": 0, "sync_batches": 0, "sync_conflicts": 0}
    clinic_id = clinic_of(devices[0])
    on_server = server_state(normalize_database_url(server.database_url), clinic_id)
    for table in SYNCED_TABLES:
        assert on_server.live(table) == expected[table], table
    stored = {p.name for p in (server.blob_dir / clinic_id).glob("*")}
    assert stored == expected["images"]  # no partial upload left behind
