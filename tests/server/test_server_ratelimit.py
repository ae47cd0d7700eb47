"""Rate limits shared through PostgreSQL: two servers on one database (as two workers or two hosts
are) together allow one device only its configured rate, enrollment's bucket is shared too, the
bucket table comes and goes with migration 0005, and housekeeping forgets buckets that are full.

The rates here refill one request per 1000 s, so no test depends on how fast the machine is."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.orm import sessionmaker

from server.db import _config, make_engine, migrate
from server.housekeeping import sweep
from tests.helpers.server import enroll_device

pytestmark = pytest.mark.postgres
SLOW = {"rate_per_s": 0.001, "enroll_per_minute": 1000}


def test_two_servers_on_one_database_allow_one_devices_rate_once(custom_server, clinic):
    """Each server alone has room for the fourth request; together they refuse it."""
    with (
        custom_server(rate_burst=3, **SLOW) as first,
        custom_server(rate_burst=3, **SLOW) as second,
    ):
        on_first = enroll_device(first, clinic)
        on_second = on_first.on(second)
        statuses = [on_first.pull().status_code, on_second.pull().status_code]
        statuses.append(on_first.pull().status_code)
        assert statuses == [200, 200, 200]
        for refused in (on_second.pull(), on_first.pull()):
            assert refused.status_code == 429
            assert refused.json()["error"]["code"] == "rate_limited"
            assert int(refused.headers["Retry-After"]) == 1000
        other = enroll_device(second, clinic)
        assert other.pull().status_code == 200  # the bucket is the device's, not the server's


def test_concurrent_requests_through_two_servers_get_exactly_the_burst(custom_server, clinic):
    """20 requests at once, half through each server: the row lock lets exactly 5 through."""
    with (
        custom_server(rate_burst=5, **SLOW) as first,
        custom_server(rate_burst=5, **SLOW) as second,
    ):
        device = enroll_device(first, clinic)
        devices = [device, device.on(second)]
        start = threading.Barrier(20)

        def pull(index: int) -> int:
            start.wait()
            return devices[index % 2].pull().status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(pull, range(20)))
        assert sorted(statuses) == [200] * 5 + [429] * 15


def test_enrollment_is_limited_across_servers(custom_server, clinic):
    # 3 per minute: a rate no other test uses, as the bucket outlives the servers in the database.
    with custom_server(enroll_per_minute=3) as first, custom_server(enroll_per_minute=3) as second:
        enroll_device(first, clinic)
        enroll_device(second, clinic)
        enroll_device(first, clinic)
        with pytest.raises(AssertionError, match="rate_limited"):
            enroll_device(second, clinic)


def test_the_bucket_table_comes_with_migration_0005_and_goes_with_its_downgrade(postgres_url):
    engine = make_engine(postgres_url, pool_size=1)
    try:
        migrate(engine)
        with engine.connect() as conn:
            assert "rate_limit_buckets" in inspect(conn).get_table_names()
            persistence = "SELECT relpersistence FROM pg_class WHERE relname = 'rate_limit_buckets'"
            assert conn.execute(text(persistence)).scalar() == "u"  # unlogged: no WAL flush
        config = _config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0004")
        with engine.connect() as conn:
            assert "rate_limit_buckets" not in inspect(conn).get_table_names()
            assert "records" in inspect(conn).get_table_names()
        migrate(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO rate_limit_buckets (key, state) VALUES ('k', '{1}')"))
            assert conn.execute(text("SELECT state FROM rate_limit_buckets")).scalar() == [1]
    finally:
        engine.dispose()


def test_housekeeping_forgets_full_buckets_and_keeps_spent_ones(server):
    engine = make_engine(server.database_url, pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO rate_limit_buckets (key, state) VALUES "
                    "('test:full', ARRAY[1]::bigint[]), "
                    "('test:spent', ARRAY[(extract(epoch FROM now()) * 1e6 + 3.6e9)::bigint])"
                )
            )
        sweep(sessionmaker(engine), server.settings.blob_dir)
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT key FROM rate_limit_buckets WHERE key LIKE 'test:%'")
            ).scalars()
            assert set(left) == {"test:spent"}
    finally:
        engine.dispose()
