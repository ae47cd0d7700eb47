"""Lock after a quiet period: any key press, click, wheel or mouse move anywhere restarts it.

It watches the application's events only while it runs (someone is signed in): a Python filter on
every event of every object makes PySide6 create a Python class, with all its enums, for each Qt
class that receives one; before the sign-in form's first paint that cost it ~30 ms of CPU."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

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
        self._app: QCoreApplication | None = None
        self.timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    @property
    def watching(self) -> bool:
        """Whether the application's events reach :meth:`eventFilter` (only while running)."""
        return self._app is not None

    def start(self) -> None:
        self._last = time.monotonic()
        if self._app is None:
            self._app = QCoreApplication.instance()
            if self._app is not None:
                self._app.installEventFilter(self)
        self.timer.start(max(50, min(1000, int(self.seconds * 250))))

    def stop(self) -> None:
        self.timer.stop()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self._last = time.monotonic()
        return False

    def _tick(self) -> None:
        if time.monotonic() - self._last >= self.seconds:
            self.stop()
            self.expired.emit()
