"""Real change against retest noise: the spread a result carries, or the documented bound."""

from __future__ import annotations

import pytest

from core.retest import FLOOR, GOAL, measure_change, retest_spread


def test_old_results_use_the_documented_bounds() -> None:
    old = {"measures": {"pores": {"level": 40.0}}}  # schema 1: no mdc
    assert retest_spread("pores", old, old) == 5.0
    assert retest_spread("redness", old, None) == GOAL
    assert retest_spread("redness") == GOAL


def test_a_carried_spread_wins_and_the_larger_of_two_is_used() -> None:
    a = {"measures": {"redness": {"level": 30, "mdc": 3.8}}}
    b = {"measures": {"redness": {"level": 30, "mdc": 2.0}}}
    assert retest_spread("redness", a, b) == 3.8
    assert retest_spread("redness", b, {"measures": {}}) == 2.0
    tiny = {"measures": {"acne": {"mdc": 0.2}}}
    assert retest_spread("acne", tiny) == FLOOR


@pytest.mark.parametrize(
    "bad",
    [
        {"measures": {"redness": {"mdc": "x"}}},
        {"measures": {"redness": {"mdc": -1}}},
        {"measures": {"redness": "x"}},
        {},
    ],
)
def test_damaged_spreads_fall_back(bad) -> None:
    assert retest_spread("redness", bad) == GOAL


def test_direction_and_real_change() -> None:
    down = measure_change("redness", 40, 30)  # lower is better for redness
    assert down.real and down.better is True and down.delta == -10
    up = measure_change("hydration", 40, 30)  # higher is better for hydration
    assert up.real and up.better is False
    noise = measure_change("pores", 40, 44)  # within the 5-point bound
    assert not noise.real and noise.better is None
    edge = measure_change("redness", 40, 43)  # exactly the spread: not more than it
    assert not edge.real
