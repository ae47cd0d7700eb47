"""Faults with random timing: the device killed with SIGKILL inside a push, inside an image upload
or anywhere in ``skinlab sync --once``; the server killed mid-batch and restarted; the server
answering 500, hanging up or timing out through a fault-injecting proxy. After recovery: exactly
the rows and photos that were created, once each, on the server and on both devices.

The default run does 2 iterations of each (the 6-minute budget of the default run on 2 cores);
``pytest -m slow`` runs 50.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from core.sync import state
from core.sync.errors import TransientSyncError
from core.sync.identity import load_or_create_key
from core.sync.transport import Transport
from server.config import normalize_database_url
from tests.helpers.at_rest import open_sqlite
from tests.helpers.sync.checks import Ids, assert_nothing_lost, db_file, ids_of, local_queue
from tests.helpers.sync.compare import SYNCED_TABLES, integrity
from tests.helpers.sync.fault_proxy import FaultProxy
from tests.helpers.sync.world import (
    DRIVER,
    REPO,
    SKINLAB,
    DeviceDir,
    ServerProcess,
    bulk_patients,
    sync_until_quiet,
)

pytestmark = pytest.mark.postgres
FAST, SOAK = 2, 50
ITERATIONS = [
    pytest.param(FAST, id="2x"),
    pytest.param(SOAK, id="50x", marks=[pytest.mark.slow, pytest.mark.timeout(1800)]),
]


def remember(expected: Ids, *devices: DeviceDir) -> None:
    for table, ids in ids_of(*devices).items():
        expected[table] |= ids


def sync_hard(
    device: DeviceDir, *, attempts: int = 100, transport: Callable[[], Any] | None = None
) -> int:
    """Sync until a pass succeeds; returns how many passes failed on the way."""
    for failures in range(attempts):
        link = transport() if transport else None
        try:
            device.ctx.sync.sync_once(transport=link)
            return failures
        except TransientSyncError:
            time.sleep(0.05)
        finally:
            if link is not None:
                link.close()
    raise AssertionError(f"{device.name} did not sync in {attempts} attempts")


def server_keys(server: ServerProcess, keys: list[str]) -> int:
    """How many of these idempotency keys the server has stored (batches it applied)."""
    if not keys:
        return 0
    engine = create_engine(normalize_database_url(server.database_url))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM idempotency_keys WHERE key = ANY(:k)"), {"k": keys}
                ).scalar_one()
            )
    finally:
        engine.dispose()


def pending_keys(device: DeviceDir) -> list[str]:
    conn = open_sqlite(db_file(device), read_only=True)
    try:
        return [k for (k,) in conn.execute("SELECT batch_key FROM sync_batches")]
    finally:
        conn.close()


def partial_uploads(server: ServerProcess, clinic_id: str) -> int:
    engine = create_engine(normalize_database_url(server.database_url))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM blobs WHERE clinic_id = :c AND NOT complete AND upload_offset > 0"
                    ),
                    {"c": clinic_id},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def kill_driver(
    device: DeviceDir,
    *,
    mark: str,
    nth: int,
    delay: float,
    at: str = "MARK",
    slow: bool = False,
    hold: float = 0.0,
) -> bool:
    """Run one sync pass in its own process; SIGKILL it ``delay`` s after the ``nth`` marked
    request is sent (``at="MARK"``) or answered (``at="ANSWER"``, before the device records the
    answer; ``hold`` keeps the driver that long between an answer and recording it, as a slow
    device would). False when the pass finished before that point."""
    args = [sys.executable, str(DRIVER), str(device.data_dir), "--mark", mark, "--hold", str(hold)]
    if slow:
        args.append("--slow-upload")
    process = subprocess.Popen(
        args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    seen = 0
    for line in process.stdout:
        if line.startswith(at):
            seen += 1
            if seen == nth:
                time.sleep(delay)
                process.kill()
                break
    process.wait(timeout=60)
    process.stdout.close()
    return seen == nth


@pytest.mark.parametrize("iterations", ITERATIONS)
def test_device_killed_during_push(enrolled, sync_server, iterations):
    rng = random.Random(1000 + iterations)
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    expected: Ids = {table: set() for table in SYNCED_TABLES}
    where: Counter[str] = Counter()
    for i in range(iterations):
        bulk_patients(a, count=30, seed=i, size=128)  # 210 changes: two batches
        bulk_patients(b, count=2, seed=10_000 + i, size=128)
        remember(expected, a, b)
        for _ in range(rng.choice((1, 1, 2))):  # sometimes killed twice before it recovers
            at = rng.choice(("MARK", "ANSWER"))  # inside the request, or just after its answer
            delay = rng.uniform(0, 0.25 if at == "MARK" else 0.1)
            killed = kill_driver(
                a, mark="push", nth=rng.randint(1, 2), delay=delay, at=at, hold=0.12
            )
            assert integrity(db_file(a)) == "ok"
            keys = pending_keys(a)
            if not killed:
                where["finished first"] += 1
            elif not keys:
                where["after the device recorded the answer"] += 1
            elif server_keys(sync_server, keys):
                where["applied by the server, answer lost"] += 1
            else:
                where["before the server applied it"] += 1
        sync_hard(a)
        sync_hard(b)
    sync_until_quiet(a, b)
    print(f"\nkill during push, {iterations} iterations: {dict(where)}")
    assert_nothing_lost(sync_server, expected, a, b)
    assert sum(len(ids) for ids in expected.values()) >= iterations * 7 * 32
    if iterations >= SOAK:
        assert where["applied by the server, answer lost"] >= 1, where


@pytest.mark.parametrize("iterations", ITERATIONS)
def test_device_killed_during_image_upload(enrolled, sync_server, iterations):
    rng = random.Random(2000 + iterations)
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    clinic_id = state.read_all(a.db)[state.CLINIC_ID]
    expected: Ids = {table: set() for table in SYNCED_TABLES}
    partial = 0
    for i in range(iterations):
        bulk_patients(a, count=3, seed=20_000 + i, size=1536)  # ~0.4 MB photos
        remember(expected, a, b)
        kill_driver(a, mark="patch", nth=rng.randint(1, 5), delay=rng.uniform(0, 0.06), slow=True)
        assert integrity(db_file(a)) == "ok"
        partial += partial_uploads(sync_server, clinic_id)
        sync_hard(a)
        sync_hard(b)
    sync_until_quiet(a, b)
    print(
        f"\nkill during upload, {iterations} iterations: {partial} uploads resumed from a partial"
    )
    assert_nothing_lost(sync_server, expected, a, b)
    if iterations >= SOAK:
        assert partial >= 1


@pytest.mark.parametrize("iterations", ITERATIONS)
def test_skinlab_sync_killed_at_a_random_moment(enrolled, sync_server, iterations):
    """The real command, ``skinlab --data-dir D sync --once``, killed anywhere in its run."""
    rng = random.Random(3000 + iterations)
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    expected: Ids = {table: set() for table in SYNCED_TABLES}
    outcomes: Counter[str] = Counter()
    for i in range(iterations):
        bulk_patients(a, count=20, seed=30_000 + i, size=256)
        bulk_patients(b, count=5, seed=35_000 + i, size=256)
        remember(expected, a, b)
        process = subprocess.Popen(
            [*SKINLAB, "--data-dir", str(a.data_dir), "sync", "--once"],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 3.0))
        process.kill()
        outcomes["finished" if process.wait(timeout=60) == 0 else "killed"] += 1
        assert integrity(db_file(a)) == "ok"
        sync_hard(b)
        sync_hard(a)
    sync_until_quiet(a, b)
    print(f"\nskinlab sync --once killed at random, {iterations} iterations: {dict(outcomes)}")
    assert_nothing_lost(sync_server, expected, a, b)


@pytest.fixture
def own_server(sync_database, tmp_path):
    server = ServerProcess(sync_database, tmp_path / "own-blobs", tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("iterations", ITERATIONS)
def test_server_killed_mid_batch_and_restarted(enrolled, own_server, monkeypatch, iterations):
    rng = random.Random(4000 + iterations)
    a, b = enrolled("kiosk-a", own_server), enrolled("desk-b", own_server)
    expected: Ids = {table: set() for table in SYNCED_TABLES}
    trigger = threading.Event()
    watched: dict[str, str] = {}
    original = Transport.request

    def request(self: Transport, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if method == watched.get("method") and path.startswith(watched.get("path", "?")):
            trigger.set()
        return original(self, method, path, **kwargs)

    monkeypatch.setattr(Transport, "request", request)
    outcomes: Counter[str] = Counter()
    for i in range(iterations):
        bulk_patients(a, count=30, seed=40_000 + i, size=256)
        bulk_patients(b, count=3, seed=45_000 + i, size=256)
        remember(expected, a, b)
        push = rng.random() < 0.7
        watched.update(
            method="POST" if push else "PATCH", path="/v1/push" if push else "/v1/blobs/"
        )
        trigger.clear()
        delay = rng.uniform(0, 0.3)

        def killer(delay: float = delay) -> None:
            trigger.wait(timeout=60)
            time.sleep(delay)
            own_server.kill()

        thread = threading.Thread(target=killer)
        thread.start()
        try:
            a.sync()
            outcomes["sync finished before the kill"] += 1
        except TransientSyncError:
            outcomes[f"killed during {'push' if push else 'upload'}"] += 1
        thread.join()
        own_server.start()
        sync_hard(a)
        sync_hard(b)
    watched.clear()
    sync_until_quiet(a, b)
    print(f"\nserver killed, {iterations} iterations: {dict(outcomes)}")
    assert own_server.starts == iterations + 1
    assert_nothing_lost(own_server, expected, a, b)


@pytest.mark.parametrize("iterations", ITERATIONS)
def test_server_errors_hang_ups_and_timeouts(enrolled, sync_server, iterations):
    rng = random.Random(5000 + iterations)
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    expected: Ids = {table: set() for table in SYNCED_TABLES}
    failures = 0
    with FaultProxy(sync_server.url, seed=rng.randrange(2**32), delay_s=1.2) as proxy:

        def through_proxy(device: DeviceDir) -> Callable[[], Transport]:
            enrolled_as = state.enrollment(device.db)
            assert enrolled_as is not None
            key = load_or_create_key(device.ctx.paths.device_key_file)
            return lambda: Transport(
                proxy.url,
                key=key,
                device_id=enrolled_as.device_id,
                audience=enrolled_as.server_id,
                timeout=httpx.Timeout(1.0),
            )

        links = {a.name: through_proxy(a), b.name: through_proxy(b)}
        for i in range(iterations):
            bulk_patients(a, count=12, seed=50_000 + i, size=384)
            bulk_patients(b, count=4, seed=55_000 + i, size=384)
            remember(expected, a, b)
            for device in rng.sample([a, b], 2):
                failures += sync_hard(device, transport=links[device.name])
        proxy.enabled = False
        for _ in range(2):
            for device in (a, b):
                sync_hard(device, transport=links[device.name])
        counts = dict(proxy.counts)
    print(f"\nproxy faults, {iterations} iterations: {counts}; {failures} failed passes")
    assert sum(n for fault, n in counts.items() if fault != "pass") >= iterations
    assert local_queue(a)["sync_batches"] == 0
    assert_nothing_lost(sync_server, expected, a, b)
