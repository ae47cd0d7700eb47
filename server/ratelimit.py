"""Per-device request limits with pyrate-limiter: one token bucket per device, kept in this process.

A device may spend ``rate_burst`` requests at once and ``rate_per_s`` per second after that; the
next request gets 429 ``rate_limited`` with ``Retry-After``. Each worker process keeps its own
buckets, so N workers allow N times the rate (docs/server.md). Enrollment has one shared bucket:
codes cannot be guessed, the limit only caps the load an anonymous client can cause.
"""

from __future__ import annotations

import math
import threading

from pyrate_limiter import (
    AbstractBucket,
    BucketFactory,
    Duration,
    Limiter,
    Rate,
    RateItem,
    StateBucket,
    TokenBucket,
)

from server.config import ServerSettings
from server.errors import ApiError

ENROLL_KEY = "enroll"


class _PerKeyBuckets(BucketFactory):
    """One constant-size token bucket per key (device id), created on first use.

    Token buckets keep two numbers and need no leaking, so no leaker thread is started.
    """

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self._buckets: dict[str, StateBucket] = {}
        self._lock = threading.Lock()

    def wrap_item(self, name: str, weight: int = 1) -> RateItem:
        now = self._bucket(name).now()  # type: ignore[no-untyped-call]
        assert isinstance(now, int)  # in-memory buckets answer synchronously
        return RateItem(name, now, weight=weight)

    def get(self, item: RateItem) -> AbstractBucket:
        return self._bucket(item.name)

    def _bucket(self, name: str) -> StateBucket:
        with self._lock:
            bucket = self._buckets.get(name)
            if bucket is None:
                bucket = StateBucket([self.rate], algorithm=TokenBucket())
                self._buckets[name] = bucket
            return bucket


class RequestLimits:
    """The server's limiters; :meth:`check_device` and :meth:`check_enroll` raise 429 when spent."""

    def __init__(self, settings: ServerSettings) -> None:
        # pyrate-limiter rates are whole requests per interval: express the per-second rate per
        # millisecond-precise interval so fractional rates (0.5/s) work too.
        interval_ms = max(1, math.ceil(1000 * settings.rate_burst / settings.rate_per_s))
        self.device_rate = Rate(settings.rate_burst, interval_ms, burst=settings.rate_burst)
        self.retry_after_s = max(1, math.ceil(1 / settings.rate_per_s))
        self.devices = Limiter(_PerKeyBuckets(self.device_rate), buffer_ms=0)
        enroll = Rate(settings.enroll_per_minute, Duration.MINUTE)
        self.enroll = Limiter(_PerKeyBuckets(enroll), buffer_ms=0)

    def check_device(self, device_id: str) -> None:
        if not self.devices.try_acquire(device_id, blocking=False):
            raise ApiError(
                429,
                "rate_limited",
                "This device sends too many requests; slow down and retry",
                headers={"Retry-After": str(self.retry_after_s)},
            )

    def check_enroll(self) -> None:
        if not self.enroll.try_acquire(ENROLL_KEY, blocking=False):
            raise ApiError(
                429,
                "rate_limited",
                "Too many enrollments right now; retry in a minute",
                headers={"Retry-After": "60"},
            )
