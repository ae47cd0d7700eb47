"""Start a window fast: its first screen is painted from Qt, the style sheet and a setting or two,
and only then does the rest load (the settings, the database, the engine, every other screen).

A window start imports nothing heavy before :func:`when_painted` fires; the start-up benchmark
(``bench/bench_startup.py``) times that paint, and a test checks which modules were loaded by then.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.locations import SETTINGS_FILE

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

ENV_PREFIX = "SKINLAB_"


def peek_setting(data_dir: Path, name: str) -> str | None:
    """One setting's raw text for the first screen, before the settings are loaded and checked:
    ``SKINLAB_<NAME>``, else ``settings.toml``, else None (also for a file that cannot be read:
    the full settings, loaded next, report that). Only for what the first screen shows; the window
    applies the checked settings once they are loaded."""
    env = os.environ.get(ENV_PREFIX + name.upper())
    if env is not None:
        return env
    try:
        text = (data_dir / SETTINGS_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    import tomllib  # lazy: most kiosks have no settings file

    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    value = values.get(name)
    return value if isinstance(value, str) else None


def peek_saved(data_dir: Path, file_name: str, name: str) -> str | None:
    """One text value of a screen's own JSON settings file (``kiosk.json``, ``desktop.json``),
    stripped, or None (no file, an unreadable one, no such text: the full load reports those)."""
    try:
        saved = json.loads((data_dir / file_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = saved.get(name) if isinstance(saved, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def when_painted(
    widget: QWidget, then: Callable[[], object], *, at_the_latest_ms: int = 3000
) -> None:
    """Call ``then`` once, on the UI thread, after ``widget``'s first paint (so the person sees the
    screen while the rest loads), or after ``at_the_latest_ms`` if no paint comes (a platform that
    does not paint a window nobody can see must still start)."""
    # lazy: only windows come here, and they have Qt loaded already
    from PySide6.QtCore import QEvent, QObject, QTimer

    class _Once(QObject):
        fired = False

        def fire(self) -> None:
            if not self.fired:
                self.fired = True
                widget.removeEventFilter(self)
                then()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is widget and not self.fired:
                QTimer.singleShot(0, self, self.fire)  # after the whole paint, children included
            return False

    once = _Once(widget)
    widget.installEventFilter(once)
    QTimer.singleShot(at_the_latest_ms, once, once.fire)
