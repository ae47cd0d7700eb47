"""Hybrid logical clocks: timestamps that follow wall time, never go backwards, and order events
across devices. Encoded as strings that compare correctly as strings.

References
----------
Kulkarni, Demirbas et al., "Logical Physical Clocks and Consistent Snapshots in Globally Distributed
Databases" (2014).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import SkinLabError

MAX_DRIFT_MS = 5 * 60 * 1000
_FORMAT = re.compile(r"^([0-9]{13})-([0-9]{6})-([0-9a-f]{1,32})$")


class ClockSkewError(SkinLabError):
    code = "clock_skew"


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:06d}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        match = _FORMAT.match(text or "")
        if not match:
            raise ValueError(f"{text!r} is not a hybrid logical clock value")
        return cls(int(match[1]), int(match[2]), match[3])


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """One per device; thread-safe. ``now()`` for a local event, ``observe()`` for a remote one."""

    def __init__(
        self, node: str, *, wall: Callable[[], int] = _wall_ms, last: str | None = None
    ) -> None:
        if not re.fullmatch(r"[0-9a-f]{1,32}", node):
            raise ValueError("an HLC node id is 1-32 lower-case hex digits")
        self.node = node
        self._wall = wall
        self._lock = threading.Lock()
        self._last = Timestamp.decode(last) if last else Timestamp(0, 0, node)

    def now(self) -> str:
        with self._lock:
            wall = self._wall()
            if wall > self._last.wall_ms:
                self._last = Timestamp(wall, 0, self.node)
            else:
                self._last = Timestamp(self._last.wall_ms, self._last.counter + 1, self.node)
            return self._last.encode()

    def observe(self, remote: str) -> None:
        """Move past a remote timestamp, refusing one more than 5 minutes ahead of our wall clock."""
        stamp = Timestamp.decode(remote)
        with self._lock:
            wall = self._wall()
            if stamp.wall_ms - wall > MAX_DRIFT_MS:
                raise ClockSkewError(
                    f"A change is stamped {(stamp.wall_ms - wall) / 60000:.0f} minutes ahead of this "
                    "device's clock; check the date and time settings on both devices."
                )
            if stamp.wall_ms > self._last.wall_ms or (
                stamp.wall_ms == self._last.wall_ms and stamp.counter > self._last.counter
            ):
                self._last = Timestamp(stamp.wall_ms, stamp.counter, self.node)
