"""Per-device request limits with pyrate-limiter, shared by every worker and host through PostgreSQL.

A device may spend ``rate_burst`` requests at once and ``rate_per_s`` per second after that; the
next request gets 429 ``rate_limited`` with ``Retry-After``. Enrollment has one shared bucket:
codes cannot be guessed, the limit only caps the load an anonymous client can cause.

pyrate-limiter's token bucket (GCRA: one "next free" time per rate) decides; its state lives in the
server's own table ``rate_limit_buckets`` (migration 0005), one row per bucket, read and written
under a row lock, so N workers or hosts together allow the configured rate, not N times it.
pyrate-limiter's own ``PostgresBucket`` does not fit: it keeps one row per request in a table per
bucket (a table per device), and refuses every request while another one holds that table's lock.
Time comes from PostgreSQL's clock, so hosts with different clocks share one timeline.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

from pyrate_limiter import (
    Duration,
    Rate,
    RateItem,
    StateBucket,
    TokenBucket,
    WallClock,
)
from pyrate_limiter.abstracts.algorithm import Decision, State, StateAlgorithm
from pyrate_limiter.abstracts.store import StateStore
from sqlalchemy import Engine, text

from server.config import ServerSettings
from server.errors import ApiError

ENROLL_KEY = "enroll"

# psycopg's own placeholders: the check runs on the driver's connection, as it runs per request
# (SQLAlchemy's statement handling cost three times the database's own work here).
_LOCK = (
    "SELECT state, (extract(epoch FROM clock_timestamp()) * 1000)::bigint "
    "FROM rate_limit_buckets WHERE key = %s FOR UPDATE"
)
_CREATE = "INSERT INTO rate_limit_buckets (key, state) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING"
_SAVE = "UPDATE rate_limit_buckets SET state = %s, updated_at = now() WHERE key = %s"
# A bucket whose every "next free" time has passed is full again: its row says nothing.
FORGET_FULL = text(
    "DELETE FROM rate_limit_buckets WHERE (SELECT max(v) FROM unnest(state) AS v) "
    "< (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
)


class PostgresStateStore(StateStore):
    """One bucket's state in a row of ``rate_limit_buckets``; :meth:`check` is one transaction."""

    is_async = False
    default_clock = WallClock()

    def __init__(self, engine: Engine, key: str) -> None:
        self.engine = engine
        self.key = key

    def check(
        self, algorithm: StateAlgorithm, rates: list[Rate], now: int, weight: int
    ) -> Decision:
        conn = self.engine.raw_connection()
        try:
            cur = conn.cursor()
            cur.execute(_LOCK, (self.key,))
            row = cur.fetchone()
            if row is None:  # first use: create it, then lock it as any other writer would
                cur.execute(_CREATE, (self.key, list(algorithm.initial(rates))))
                cur.execute(_LOCK, (self.key,))
                row = cur.fetchone()
                assert row is not None
            stored, db_now = row
            state = self._state(algorithm, rates, stored)
            new_state, decision = algorithm.step(rates, state, int(db_now), weight)
            if decision.allowed:
                cur.execute(_SAVE, ([int(v) for v in new_state], self.key))
            cur.close()
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()  # back to the pool
        return decision

    def read(self, algorithm: StateAlgorithm, rates: list[Rate]) -> State:
        with self.engine.connect() as conn:
            stored = conn.execute(
                text("SELECT state FROM rate_limit_buckets WHERE key = :key"), {"key": self.key}
            ).scalar()
        return self._state(algorithm, rates, stored)

    def reset(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM rate_limit_buckets WHERE key = :key"), {"key": self.key})

    @staticmethod
    def _state(algorithm: StateAlgorithm, rates: list[Rate], stored: Sequence[int] | None) -> State:
        if stored is None or len(stored) != len(rates):
            return algorithm.initial(rates)
        return tuple(int(v) for v in stored)


class _PerKeyBuckets:
    """One token bucket per key (device id), its state in PostgreSQL, created on first use.

    ``scope`` (the rate) is part of the stored key: servers configured with other rates on the same
    database keep apart buckets, as a token bucket's state means nothing under another rate.

    The buckets are used directly, not through pyrate-limiter's ``Limiter``: its one lock per
    process, taken without waiting for a non-blocking acquire, refused a request whenever another
    device's check was in progress (a database round trip now). The row lock is the only lock.
    """

    def __init__(self, rate: Rate, engine: Engine, *, scope: str) -> None:
        self.rate = rate
        self.engine = engine
        self.scope = scope
        self._clock = WallClock()
        self._buckets: dict[str, StateBucket] = {}
        self._lock = threading.Lock()

    def try_spend(self, name: str) -> bool:
        # The store decides by PostgreSQL's clock; this stamp only labels the item.
        admitted = self._bucket(name).put(RateItem(name, self._clock.now()))
        assert isinstance(admitted, bool)  # a synchronous store answers synchronously
        return admitted

    def _bucket(self, name: str) -> StateBucket:
        with self._lock:
            bucket = self._buckets.get(name)
            if bucket is None:
                store = PostgresStateStore(self.engine, f"{self.scope}:{name}")
                bucket = StateBucket([self.rate], algorithm=TokenBucket(), store=store)
                self._buckets[name] = bucket
            return bucket


class RequestLimits:
    """The server's limiters; :meth:`check_device` and :meth:`check_enroll` raise 429 when spent."""

    def __init__(self, settings: ServerSettings, engine: Engine) -> None:
        # pyrate-limiter rates are whole requests per interval: express the per-second rate per
        # millisecond-precise interval so fractional rates (0.5/s) work too.
        interval_ms = max(1, math.ceil(1000 * settings.rate_burst / settings.rate_per_s))
        self.device_rate = Rate(settings.rate_burst, interval_ms, burst=settings.rate_burst)
        self.retry_after_s = max(1, math.ceil(1 / settings.rate_per_s))
        scope = f"device/{settings.rate_burst}/{interval_ms}ms"
        self.devices = _PerKeyBuckets(self.device_rate, engine, scope=scope)
        enroll = Rate(settings.enroll_per_minute, Duration.MINUTE)
        scope = f"enroll/{settings.enroll_per_minute}/min"
        self.enroll = _PerKeyBuckets(enroll, engine, scope=scope)
        grants = Rate(settings.grant_per_minute, Duration.MINUTE)
        self.grants = _PerKeyBuckets(grants, engine, scope=f"grant/{settings.grant_per_minute}/min")
        per_account = Rate(settings.grant_account_per_minute, Duration.MINUTE)
        scope = f"grant-account/{settings.grant_account_per_minute}/min"
        self.grant_accounts = _PerKeyBuckets(per_account, engine, scope=scope)

    def check_device(self, device_id: str) -> None:
        message = "This device sends too many requests; slow down and retry"
        _spend(self.devices, device_id, message, retry_after_s=self.retry_after_s)

    def check_grant(self, device_id: str) -> None:
        """Password checks for proofs of sign-in, per device: each is a guess at a password."""
        message = "Too many sign-in proofs asked for from this device; retry in a minute"
        _spend(self.grants, device_id, message)

    def check_grant_account(self, account: str) -> None:
        """Password checks per account, all devices together: guesses spread over several
        compromised devices still add up to one device's rate."""
        message = "Too many sign-in proofs asked for this account; retry in a minute"
        _spend(self.grant_accounts, account, message)

    def check_enroll(self) -> None:
        _spend(self.enroll, ENROLL_KEY, "Too many enrollments right now; retry in a minute")


def _spend(buckets: _PerKeyBuckets, key: str, message: str, *, retry_after_s: int = 60) -> None:
    """One request of ``key`` from ``buckets``; a 429 saying ``message`` when none is left."""
    if not buckets.try_spend(key):
        raise ApiError(429, "rate_limited", message, headers={"Retry-After": str(retry_after_s)})
