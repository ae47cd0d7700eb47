"""Desktop window fixtures; the real services' context (``ctx``) and one account per role
(``emails``) come from ``tests.helpers.desktop_fixtures``, shared with the service tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import skimage.data

from app.context import AppContext
from app.desktop.services import DesktopServices
from app.kiosk.worker import Measured, measure
from tests.helpers.desktop import TIMEOUT
from ui.background import Pools
from ui.desktop.main_window import MainWindow


@pytest.fixture
def make_window(qtbot: Any, ctx: AppContext) -> Iterator[Callable[..., MainWindow]]:
    made: list[tuple[MainWindow, Pools]] = []

    def make(*, size: tuple[int, int] = (1280, 800)) -> MainWindow:
        pools = Pools()
        win = MainWindow(DesktopServices(ctx), pools)
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        win.start()
        qtbot.waitUntil(lambda: win.stack.currentWidget() is not win.status_page, timeout=TIMEOUT)
        made.append((win, pools))
        return win

    yield make
    for win, pools in made:
        win.close()
        assert pools.wait(20_000), "background work still running after the test"


@pytest.fixture(scope="session")
def astronaut_measured() -> Measured:
    """The astronaut analysed once for the whole run by the kiosk's own measuring step."""
    return measure(np.ascontiguousarray(skimage.data.astronaut()))
