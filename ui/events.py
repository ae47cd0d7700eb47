"""Let Qt's event loop run from plain code (screenshots, benchmarks): background work reports back."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication


def pump(app: QCoreApplication, seconds: float, until: Callable[[], bool] | None = None) -> None:
    """Let Qt run for up to ``seconds`` (background work reports back), or until ``until()``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until is not None and until():
            return
        time.sleep(0.01)
