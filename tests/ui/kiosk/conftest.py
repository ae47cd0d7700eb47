"""Kiosk fixtures: the real services over a temp data directory (``ctx`` from
``tests.helpers.desktop_fixtures``), with test cameras by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.context import AppContext
from tests.helpers.kiosk import TIMEOUT, KioskTestServices
from ui.background import Pools
from ui.kiosk.window import KioskWindow


@pytest.fixture
def services(ctx: AppContext) -> KioskTestServices:
    return KioskTestServices(ctx)


@pytest.fixture
def make_window(qtbot: Any, services: KioskTestServices) -> Iterator[Callable[..., KioskWindow]]:
    made: list[tuple[KioskWindow, Pools]] = []

    def make(camera: str = "demo", *, size: tuple[int, int] = (1280, 800)) -> KioskWindow:
        pools = Pools()
        win = KioskWindow(services, pools, camera=camera)
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        win.start()
        qtbot.waitUntil(lambda: win.config.clinic_name == "Rue Cler Dermatology", timeout=TIMEOUT)
        win.capture.hold_seconds = 0.6
        made.append((win, pools))
        return win

    yield make
    for win, pools in made:
        win.shut_down()
        win.feed.wait(5.0)
        assert pools.wait(20_000), "background work still running after the test"
