"""Hybrid logical clocks and the field-level merge rule."""

from __future__ import annotations

import pytest

from core.storage.hlc import MAX_DRIFT_MS, ClockSkewError, HybridClock, Timestamp
from core.sync.merge import merge_fields


def test_clock_is_monotonic_even_when_the_wall_clock_goes_back():
    wall = iter([1_000, 1_000, 900, 900, 2_000])
    clock = HybridClock("ab", wall=lambda: next(wall))
    stamps = [clock.now() for _ in range(5)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5
    assert Timestamp.decode(stamps[2]).wall_ms == 1_000  # never behind what it already issued


def test_observe_moves_past_a_remote_stamp_and_refuses_a_far_future_one():
    clock = HybridClock("aa", wall=lambda: 10_000_000)
    remote = HybridClock("bb", wall=lambda: 10_060_000).now()
    clock.observe(remote)
    assert clock.now() > remote
    future = Timestamp(10_000_000 + MAX_DRIFT_MS + 1, 0, "cc").encode()
    with pytest.raises(ClockSkewError, match="minutes ahead"):
        clock.observe(future)


def test_strings_order_like_timestamps():
    a = Timestamp(99, 5, "ff").encode()
    b = Timestamp(100, 0, "00").encode()
    c = Timestamp(100, 0, "01").encode()
    assert a < b < c


@pytest.mark.parametrize("bad", ["", "123", "0000000000001-000001-XYZ", "1-2-3"])
def test_malformed_stamps_are_refused(bad):
    with pytest.raises(ValueError):
        Timestamp.decode(bad)


def test_merge_keeps_the_newer_value_per_column():
    stored = {"first_name": "Ada", "age": 36}
    stored_clocks = {"first_name": "0000000000002-000000-a", "age": "0000000000001-000000-a"}
    incoming = {"first_name": "Augusta", "age": 37}
    incoming_clocks = {"first_name": "0000000000001-000000-b", "age": "0000000000003-000000-b"}
    merged = merge_fields(stored, stored_clocks, incoming, incoming_clocks)
    assert merged.fields == {"first_name": "Ada", "age": 37}
    assert merged.changed == {"age"}
    # Merging in the other direction gives the same row: the rule commutes.
    back = merge_fields(incoming, incoming_clocks, stored, stored_clocks)
    assert back.fields == merged.fields and back.clocks == merged.clocks


def test_equal_clocks_keep_the_stored_value_and_unclocked_values_are_ignored():
    merged = merge_fields(
        {"x": 1}, {"x": "0000000000005-000000-a"}, {"x": 2, "y": 3}, {"x": "0000000000005-000000-a"}
    )
    assert merged.fields == {"x": 1} and not merged.changed


def test_a_newer_clock_on_the_same_value_advances_without_changing():
    merged = merge_fields(
        {"role": "admin"},
        {"role": "0000000000001-000000-a"},
        {"role": "admin"},
        {"role": "0000000000009-000000-b"},
    )
    assert not merged.changed and merged.advanced == {"role"}
    assert merged.clocks == {"role": "0000000000009-000000-b"}
