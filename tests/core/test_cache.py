"""The disk cache: JSON values with a time-to-live, bounded in size, never raising into callers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import diskcache
import pytest

from core.cache import DiskCache, cache_get, cache_set, photo_group


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[DiskCache]:
    disk = DiskCache(tmp_path / "cache")
    try:
        yield disk
    finally:
        disk.close()


@pytest.mark.parametrize(
    "value",
    [
        {"score": 71.5, "conditions": ["acne"], "nested": {"ok": True, "none": None}},
        [1, "two", 3.0, None],
        "crème — 日本語",
        42,
        False,
    ],
    ids=["dict", "list", "text", "int", "bool"],
)
def test_json_values_round_trip(cache: DiskCache, value: object) -> None:
    assert cache.set("key", value) is True
    assert cache.get("key") == value


def test_missing_keys_overwrites_and_deletes(cache: DiskCache) -> None:
    assert cache.get("absent") is None
    cache.set("k", {"v": 1})
    cache.set("k", {"v": 2})
    assert cache.get("k") == {"v": 2}
    cache.delete("k")
    assert cache.get("k") is None
    cache.delete("k")  # deleting twice is fine


def test_values_persist_across_instances(tmp_path: Path) -> None:
    first = DiskCache(tmp_path / "cache")
    first.set("report", {"id": 7}, ttl_seconds=None)
    first.close()
    second = DiskCache(tmp_path / "cache")
    try:
        assert second.get("report") == {"id": 7}
    finally:
        second.close()


def test_entries_expire_after_their_ttl(cache: DiskCache) -> None:
    cache.set("short", "soon gone", ttl_seconds=0.2)
    cache.set("forever", "stays", ttl_seconds=None)
    assert cache.get("short") == "soon gone"
    time.sleep(0.3)
    assert cache.get("short") is None
    assert cache.get("forever") == "stays"


@pytest.mark.parametrize("value_bytes", [2_000, 60_000], ids=["inline-values", "file-values"])
def test_size_stays_bounded(tmp_path: Path, value_bytes: int) -> None:
    limit = 256 * 1024
    disk = DiskCache(tmp_path / "cache", size_limit=limit)
    try:
        count = (limit * 6) // value_bytes
        for i in range(count):
            assert disk.set(f"k{i}", "x" * value_bytes, ttl_seconds=None)
            assert disk.volume() <= 2 * limit
        assert disk.get("k0") is None  # the oldest were evicted...
        assert disk.get(f"k{count - 1}") == "x" * value_bytes  # ...the newest kept
    finally:
        disk.close()


def test_values_that_are_not_json_are_refused_without_raising(cache: DiskCache) -> None:
    cache.set("k", {"kept": True})
    assert cache.set("k", {1, 2, 3}) is False
    assert cache.set("k", object()) is False
    assert cache.get("k") == {"kept": True}


def _unusable_caches(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("I am a file")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "cache.db").write_bytes(b"this is not an sqlite database" * 100)
    return {"path-is-a-file": a_file, "damaged-index": damaged}


@pytest.mark.parametrize("kind", ["path-is-a-file", "damaged-index"])
def test_an_unusable_cache_misses_instead_of_raising(tmp_path: Path, kind: str) -> None:
    directory = _unusable_caches(tmp_path)[kind]
    disk = DiskCache(directory)
    assert disk.available is False
    assert disk.get("k") is None
    assert disk.set("k", {"v": 1}) is False
    disk.delete("k")
    assert disk.volume() == 0
    assert cache_get(disk, "k") is None
    assert cache_set(disk, "k", 1) is False
    disk.close()


def test_seed_helpers_keep_the_seed_semantics(cache: DiskCache) -> None:
    assert cache_get(cache, "analysis:1") is None
    assert cache_set(cache, "analysis:1", {"score": 80}) is True
    assert cache_get(cache, "analysis:1") == {"score": 80}
    assert cache_set(cache, "analysis:2", object()) is False
    assert cache_get(cache, "analysis:2") is None


def test_seed_set_honours_its_ttl(cache: DiskCache) -> None:
    assert cache_set(cache, "token", "abc", ttl=1)
    assert cache_get(cache, "token") == "abc"
    time.sleep(1.1)
    assert cache_get(cache, "token") is None


def test_a_group_is_dropped_and_nothing_else(cache: DiskCache) -> None:
    """An erasure drops the results of one patient's photos and leaves everyone else's."""
    hers, his = photo_group("a" * 64), photo_group("b" * 64)
    cache.set("analysis:1:aaa:x", {"n": 1}, group=hers)
    cache.set("analysis:1:aaa:y", {"n": 2}, group=hers)  # the same photo, other preferences
    cache.set("analysis:1:bbb:x", {"n": 3}, group=his)
    cache.set("settings", {"n": 4})
    assert cache.drop_group(hers) == 2
    assert cache.get("analysis:1:aaa:x") is None and cache.get("analysis:1:aaa:y") is None
    assert cache.get("analysis:1:bbb:x") == {"n": 3} and cache.get("settings") == {"n": 4}
    assert cache.drop_group(hers) == 0


def test_a_cache_from_before_groups_is_emptied_once(tmp_path: Path) -> None:
    """Its entries carry no group, so an erasure could not find them: they go at the first open."""
    old = diskcache.Cache(str(tmp_path / "cache"))
    old.set("analysis:1:aaa:x", '{"n": 1}')
    old.close()
    first = DiskCache(tmp_path / "cache")
    assert first.get("analysis:1:aaa:x") is None
    first.set("analysis:1:bbb:x", {"n": 2}, group=photo_group("b" * 64))
    first.close()
    second = DiskCache(tmp_path / "cache")
    try:
        assert second.get("analysis:1:bbb:x") == {"n": 2}, "emptied once, not at every start"
    finally:
        second.close()
