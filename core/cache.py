"""A bounded JSON disk cache with TTL, replacing the seed's Redis ``cache_get``/``cache_set``.

Caching is an optimisation: a failing cache never raises into the caller; it logs and misses.
Cached analyses carry personal data, so with a :class:`FileCipher` every value is sealed with
AES-GCM and every key is replaced by its HMAC (a key names an image's hash); values are kept inside
the cache's own database file, never as loose files, and the files are owner-only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from pathlib import Path
from typing import Any

import diskcache

from core.security.cipher import FileCipher
from core.security.permissions import create_private_file, make_private_dir

log = logging.getLogger(__name__)

DEFAULT_SIZE_LIMIT = 256 * 1024 * 1024
_NO_LOOSE_FILES = 1 << 30  # values below this size stay in cache.db (all of ours)
_GROUPED = "cache:grouped:1"
"""Present once every entry carries its group: a cache from before groups is emptied once."""


def photo_group(sha256: str) -> str:
    """The group of every cached entry computed from one photo (its bytes' SHA-256): an erasure
    drops a patient's entries by their photos' hashes and leaves everyone else's."""
    return f"photo:{sha256}"


class DiskCache:
    """JSON values under string keys, with an optional time-to-live, bounded in bytes."""

    def __init__(
        self,
        directory: Path,
        *,
        size_limit: int = DEFAULT_SIZE_LIMIT,
        cipher: FileCipher | None = None,
        key_secret: bytes | None = None,
    ) -> None:
        self.directory = Path(directory)
        self._cipher = cipher
        self._key_secret = key_secret
        if cipher is not None and not key_secret:
            raise ValueError("an encrypted cache needs a secret for its keys")
        self._cache: diskcache.Cache | None
        try:
            make_private_dir(self.directory)
            create_private_file(self.directory / "cache.db")
            self._cache = diskcache.Cache(
                str(self.directory),
                size_limit=size_limit,
                eviction_policy="least-recently-stored",
                disk_min_file_size=_NO_LOOSE_FILES,
            )
        except Exception as exc:  # a read-only or broken directory: run without a cache
            log.warning("Disk cache unavailable at %s: %s", self.directory, exc)
            self._cache = None
        if self._cache is not None and self.get(_GROUPED) is None:
            self.clear()  # entries without a group could not be dropped one patient at a time
            self.set(_GROUPED, True, ttl_seconds=None)

    def _key(self, key: str) -> str:
        if self._key_secret is None:
            return key
        return hmac.new(self._key_secret, key.encode("utf-8"), hashlib.sha256).hexdigest()

    def _dump(self, stored_key: str, value: Any) -> str | bytes:
        payload = json.dumps(value, separators=(",", ":"))
        if self._cipher is None:
            return payload
        return self._cipher.seal(payload.encode("utf-8"), context=f"cache:{stored_key}")

    def _load(self, stored_key: str, raw: Any) -> Any:
        if self._cipher is not None:
            if not isinstance(raw, bytes):
                raise ValueError("a plain value in an encrypted cache")
            raw = self._cipher.open(raw, context=f"cache:{stored_key}")
        return json.loads(raw)

    @property
    def available(self) -> bool:
        return self._cache is not None

    def get(self, key: str) -> Any | None:
        """Return the cached JSON value, or None when missing, expired or unreadable."""
        if self._cache is None:
            return None
        try:
            stored_key = self._key(key)
            raw = self._cache.get(stored_key)
            return None if raw is None else self._load(stored_key, raw)
        except Exception as exc:
            log.warning("Cache read failed for %r: %s", key, exc)
            return None

    def set(
        self, key: str, value: Any, ttl_seconds: float | None = 3600, *, group: str | None = None
    ) -> bool:
        """Store ``value`` as JSON, in ``group`` if given (see :meth:`drop_group`); return False
        (never raise) when it cannot be stored."""
        if self._cache is None:
            return False
        try:
            stored_key = self._key(key)
            payload = self._dump(stored_key, value)
            tag = self._key(f"group:{group}") if group is not None else None
            return bool(self._cache.set(stored_key, payload, expire=ttl_seconds, tag=tag))
        except Exception as exc:
            log.warning("Cache write failed for %r: %s", key, exc)
            return False

    def delete(self, key: str) -> None:
        if self._cache is None:
            return
        try:
            self._cache.delete(self._key(key))
        except Exception as exc:
            log.warning("Cache delete failed for %r: %s", key, exc)

    def drop_group(self, group: str) -> int:
        """Drop every entry stored in ``group`` (its name is an HMAC on disk too); how many."""
        if self._cache is None:
            return 0
        try:
            return int(self._cache.evict(self._key(f"group:{group}")))
        except Exception as exc:
            log.warning("Cache drop failed for %r: %s", group, exc)
            return 0

    def clear(self) -> None:
        """Drop every entry."""
        if self._cache is None:
            return
        try:
            self._cache.clear()
        except Exception as exc:
            log.warning("Cache clear failed: %s", exc)

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
