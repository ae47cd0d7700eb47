"""Lock after a quiet period: any key press, click, wheel or mouse move anywhere restarts it."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

ACTIVITY = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleLock(QObject):
    expired = Signal()

    def __init__(self, *, seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self._last = time.monotonic()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def start(self) -> None:
        self._last = time.monotonic()
        self.timer.start(max(50, min(1000, int(self.seconds * 250))))

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self._last = time.monotonic()
        return False

    def _tick(self) -> None:
        if time.monotonic() - self._last >= self.seconds:
            self.stop()
            self.expired.emit()
