"""A finished background operation lets go of its work and its result: the kiosk soak found each
visit's photos (~12 MB) kept for ever through the task and its relay's connections."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from ui.background import BackgroundOp, Pools


class _Result:
    """Stands for a visit's analysis view; only its lifetime matters."""


def test_results_and_work_are_freed_once_reported(qtbot: Any) -> None:
    pools = Pools()
    results: list[weakref.ref[_Result]] = []
    works: list[weakref.ref[Any]] = []
    seen: list[bool] = []

    for _ in range(5):
        made = _Result()
        results.append(weakref.ref(made))

        def work(made: _Result = made) -> _Result:
            return made

        works.append(weakref.ref(work))
        BackgroundOp(work).success(lambda r: seen.append(isinstance(r, _Result))).run(pools.work)
        del made, work

    qtbot.waitUntil(lambda: len(seen) == 5, timeout=10_000)
    assert pools.wait(10_000)
    qtbot.wait(50)  # deleteLater runs on the event loop
    gc.collect()
    assert all(ref() is None for ref in results), "a reported result is still alive"
    assert all(ref() is None for ref in works), "finished work is still alive"
