"""Desktop fixtures: the real services over a temp data directory with one account per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skimage.data

from app.context import AppContext
from app.desktop.services import DesktopServices
from app.kiosk.worker import Measured, measure
from core.config import load_settings
from tests.helpers.desktop import TIMEOUT, add_accounts
from ui.background import Pools
from ui.desktop.main_window import MainWindow


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = AppContext(
        load_settings(data_dir=tmp_path / "data", clinic_name="Rue Cler Dermatology")
    )
    context.database  # noqa: B018  (migrate before the window starts)
    yield context
    context.close()


@pytest.fixture
def emails(ctx: AppContext) -> dict[str, str]:
    return add_accounts(ctx)


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
