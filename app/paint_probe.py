"""For the start-up benchmark (bench/bench_startup.py): with ``SKINLAB_EXIT_AFTER_PAINT=1`` the
app prints ``painted`` when its first window is first painted, and exits at once."""

from __future__ import annotations

import os
from collections.abc import Callable

ENV = "SKINLAB_EXIT_AFTER_PAINT"


def install_if_asked() -> None:
    if os.environ.get(ENV) != "1":
        return
    # lazy: only a benchmark run asks for the probe; the app imports Qt when its window opens
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
                print("painted", flush=True)
                os._exit(0)
            return False

    probe = FirstPaint()
    show, full_screen = QWidget.show, QWidget.showFullScreen

    def watched(original: Callable[[QWidget], None]) -> Callable[[QWidget], None]:
        def run(self: QWidget) -> None:
            self.installEventFilter(probe)
            original(self)

        return run

    QWidget.show = watched(show)  # type: ignore[method-assign]
    QWidget.showFullScreen = watched(full_screen)  # type: ignore[method-assign]
    _KEEP.append(probe)


_KEEP: list[object] = []  # the probe lives as long as the process
