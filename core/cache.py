"""A bounded JSON disk cache with TTL, replacing the seed's Redis ``cache_get``/``cache_set``.

Caching is an optimisation: a failing cache never raises into the caller; it logs and misses.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import diskcache

log = logging.getLogger(__name__)

DEFAULT_SIZE_LIMIT = 256 * 1024 * 1024


class DiskCache:
    """JSON values under string keys, with an optional time-to-live, bounded in bytes."""

    def __init__(self, directory: Path, *, size_limit: int = DEFAULT_SIZE_LIMIT) -> None:
        self.directory = Path(directory)
        self._cache: diskcache.Cache | None
        try:
            self._cache = diskcache.Cache(
                str(self.directory), size_limit=size_limit, eviction_policy="least-recently-stored"
            )
        except Exception as exc:  # a read-only or broken directory: run without a cache
            log.warning("Disk cache unavailable at %s: %s", self.directory, exc)
            self._cache = None

    @property
    def available(self) -> bool:
        return self._cache is not None

    def get(self, key: str) -> Any | None:
        """Return the cached JSON value, or None when missing, expired or unreadable."""
        if self._cache is None:
            return None
        try:
            raw = self._cache.get(key)
            return None if raw is None else json.loads(raw)
        except Exception as exc:
            log.warning("Cache read failed for %r: %s", key, exc)
            return None

    def set(self, key: str, value: Any, ttl_seconds: float | None = 3600) -> bool:
        """Store ``value`` as JSON; return False (never raise) when it cannot be stored."""
        if self._cache is None:
            return False
        try:
            payload = json.dumps(value, separators=(",", ":"))
            return bool(self._cache.set(key, payload, expire=ttl_seconds))
        except Exception as exc:
            log.warning("Cache write failed for %r: %s", key, exc)
            return False

    def delete(self, key: str) -> None:
        if self._cache is None:
            return
        try:
            self._cache.delete(key)
        except Exception as exc:
            log.warning("Cache delete failed for %r: %s", key, exc)

    def volume(self) -> int:
        """Bytes used on disk (0 when unavailable)."""
        if self._cache is None:
            return 0
        try:
            return int(self._cache.volume())
        except Exception:
            return 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def cache_get(cache: DiskCache, key: str) -> Any | None:
    """The seed's ``cache_get``: a JSON value or None, never an exception."""
    return cache.get(key)


def cache_set(cache: DiskCache, key: str, value: Any, ttl: int = 3600) -> bool:
    """The seed's ``cache_set``: store a JSON value for ``ttl`` seconds, never an exception."""
    return cache.set(key, value, ttl_seconds=ttl)
