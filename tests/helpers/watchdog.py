"""The hang watchdog follows a long test's own time limit.

pyproject.toml arms faulthandler's watchdog for every test (``faulthandler_timeout``, with
``faulthandler_exit_on_timeout``): after that many seconds it prints every stack and ends the run.
A slow check that is allowed longer (``@pytest.mark.timeout(3600)``: the 100-kill runs, the
packaging build, the sync soak) would be ended by it at the ini's limit, passing or not. For such a
test the watchdog is armed again at the test's own limit plus a minute, so pytest-timeout speaks
first and the watchdog stays the last resort for a test stuck in C code.
"""

from __future__ import annotations

import faulthandler
import sys
from collections.abc import Iterator

import pytest

MARGIN_SECONDS = 60.0


def own_limit(item: pytest.Item) -> float | None:
    """The test's ``timeout`` marker in seconds, if it has one."""
    marker = item.get_closest_marker("timeout")
    if marker is None:
        return None
    value = marker.args[0] if marker.args else marker.kwargs.get("timeout")
    return float(value) if value is not None else None


@pytest.fixture(autouse=True)
def _watchdog_follows_timeout(request: pytest.FixtureRequest) -> Iterator[None]:
    ini = float(request.config.getini("faulthandler_timeout") or 0)
    limit = own_limit(request.node)
    if ini > 0 and limit is not None and limit > ini and sys.__stderr__ is not None:
        exit_too = bool(request.config.getini("faulthandler_exit_on_timeout"))
        faulthandler.dump_traceback_later(
            limit + MARGIN_SECONDS, exit=exit_too, file=sys.__stderr__
        )
    yield
