"""The cost of one per-device rate check: the server's PostgreSQL-shared token bucket (every worker and
host sees one limit) against pyrate-limiter's in-memory one (each worker its own), in one run.

CPU per check is counted in this process (``time.process_time``) and in the PostgreSQL backend
that served the checks (``/proc/<pid>/stat``, where the database runs on this machine), so the
load of other processes does not enter it; wall time per check is given too, read against the load.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from pyrate_limiter import RateItem, StateBucket, TokenBucket
from sqlalchemy import text

from bench import Row
from bench.bench_sync import cpu_s, postgres
from server.config import ServerSettings
from server.db import make_engine, migrate
from server.ratelimit import RequestLimits

NAME = "sync: one per-device rate check (100/s, burst 1000)"


def _measure(
    spend: Callable[[str], object], keys: list[str], count: int, pg_pid: int
) -> list[float]:
    for key in keys:  # first use of each key (creates its row) is not what is measured
        spend(key)
    cpu, wall, pg = time.process_time(), time.perf_counter(), cpu_s(pg_pid)
    for i in range(count):
        spend(keys[i % len(keys)])
    return [
        1e6 * (time.process_time() - cpu) / count,
        1e6 * (cpu_s(pg_pid) - pg) / count,
        1e6 * (time.perf_counter() - wall) / count,
    ]


def run(quick: bool) -> list[Row]:
    count = 1_000 if quick else 5_000
    keys = [str(uuid.uuid4()) for _ in range(20)]
    with postgres() as database_url:
        engine = make_engine(database_url, pool_size=1)
        try:
            migrate(engine)
            with engine.connect() as conn:
                pg_pid = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
            # One connection in the pool, so the backend measured is the one that did the work.
            settings = ServerSettings(database_url=database_url, blob_dir=Path(os.devnull))
            limits = RequestLimits(settings, engine)
            shared = _measure(limits.devices.try_spend, keys, count, pg_pid)
            memory_buckets = {
                key: StateBucket([limits.device_rate], algorithm=TokenBucket()) for key in keys
            }

            def in_memory(key: str) -> object:
                return memory_buckets[key].put(RateItem(key, time.time_ns() // 1_000_000))

            alone = _measure(in_memory, keys, count, pg_pid)
        finally:
            engine.dispose()
    rows = []
    for label, (python_us, pg_us, wall_us) in (
        ("PostgreSQL bucket (shared)", shared),
        ("in-memory bucket (per worker, before)", alone),
    ):
        rows += [
            Row(NAME, f"{label}: server CPU per check", python_us, "us"),
            Row(NAME, f"{label}: PostgreSQL CPU per check", pg_us, "us"),
            Row(NAME, f"{label}: wall time per check", wall_us, "us"),
        ]
    return rows
