"""The live camera off the UI thread: one thread reads and scales frames, another judges them.

Reading and judging are separate so that a slow quality check never lowers the preview's frame
rate: the judge always takes the newest frame and skips the ones it had no time for. A camera that
fails (missing, busy, unplugged) is reported once and retried until it comes back.
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage

from core.errors import SkinLabError
from ui.kiosk.ports import RGB, FrameCheck, FrameReader, KioskServices

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


class CameraFeed(QObject):
    frame_ready = Signal(QImage, QSize)  # scaled for display, and the camera's own frame size
    check_ready = Signal(object)  # FrameCheck
    problem = Signal(str)  # a message for a person; "" when the camera works again

    def __init__(self, services: KioskServices, *, fps: float = 30.0) -> None:
        super().__init__()
        self.services = services
        self.fps = fps
        self.spec = "auto"
        self._display = QSize(1280, 720)
        self._lock = threading.Condition()
        self._latest: RGB | None = None
        self._fresh = False
        self._last_ok: RGB | None = None
        self._live = True
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._problem = ""

    # -- called on the UI thread ---------------------------------------------------------------
    def set_display_size(self, size: QSize) -> None:
        if size.width() > 16 and size.height() > 16:
            self._display = QSize(size)

    def start(self, spec: str) -> None:
        self.stop()
        self.spec = spec
        self._stop = threading.Event()
        self._problem = ""
        with self._lock:
            self._latest = self._last_ok = None
        stop = self._stop
        self._threads = [
            threading.Thread(
                target=self._read_loop, args=(spec, stop), daemon=True, name="kiosk-camera"
            ),
            threading.Thread(
                target=self._judge_loop, args=(stop,), daemon=True, name="kiosk-judge"
            ),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Ask both threads to end; they close the camera themselves (no waiting here)."""
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
            self._latest = self._last_ok = None

    def wait(self, timeout: float = 5.0) -> None:
        """For tests and shutdown: wait until the threads have ended."""
        for thread in self._threads:
            thread.join(timeout)

    def running(self) -> bool:
        return not self._stop.is_set()

    def snapshot(self, *, prefer_passed: bool) -> RGB | None:
        """The frame to analyse: the newest one that passed every check, or simply the newest."""
        with self._lock:
            chosen = self._last_ok if prefer_passed and self._last_ok is not None else self._latest
            return None if chosen is None else chosen.copy()

    # -- worker threads ------------------------------------------------------------------------
    def _report(self, message: str) -> None:
        if message != self._problem:
            self._problem = message
            self.problem.emit(message)

    def _open(self, spec: str, stop: threading.Event) -> FrameReader | None:
        try:
            source = self.services.open_camera(spec)
            source.open()
        except SkinLabError as exc:
            self._report(exc.message)
            stop.wait(RETRY_SECONDS)
            return None
        self._live = bool(getattr(source, "live", True))
        self._report("")
        return source

    def _read_loop(self, spec: str, stop: threading.Event) -> None:
        source: FrameReader | None = None
        period = 1.0 / self.fps
        try:
            while not stop.is_set():
                if source is None:
                    source = self._open(spec, stop)
                    continue
                started = time.perf_counter()
                try:
                    rgb = np.asarray(source.read().rgb)
                except SkinLabError as exc:
                    self._report(exc.message)
                    source.close()
                    source = None
                    stop.wait(RETRY_SECONDS)
                    continue
                except Exception as exc:  # a driver fault: report it, reconnect, never crash the UI
                    log.exception("The camera failed")
                    self._report(f"The camera failed ({type(exc).__name__}); reconnecting.")
                    source.close()
                    source = None
                    stop.wait(RETRY_SECONDS)
                    continue
                self._report("")
                with self._lock:
                    if stop.is_set():
                        break
                    self._latest, self._fresh = rgb, True
                    self._lock.notify_all()
                self.frame_ready.emit(self._scaled(rgb), QSize(rgb.shape[1], rgb.shape[0]))
                stop.wait(max(0.0, period - (time.perf_counter() - started)))
        finally:
            if source is not None:
                source.close()

    def _scaled(self, rgb: RGB) -> QImage:
        data = np.ascontiguousarray(rgb)
        height, width = data.shape[:2]
        image = QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888)
        return image.scaled(
            self._display,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.FastTransformation
            if width > 2 * self._display.width()
            else Qt.TransformationMode.SmoothTransformation,
        )

    def _judge_loop(self, stop: threading.Event) -> None:
        try:
            inspector = self.services.new_inspector()
        except Exception:
            log.exception("The live quality checks cannot start")
            return
        while not stop.is_set():
            with self._lock:
                while not self._fresh and not stop.is_set():
                    self._lock.wait(0.25)
                if stop.is_set():
                    return
                rgb, self._fresh = self._latest, False
            if rgb is None:
                continue
            try:
                check: FrameCheck = inspector.inspect(rgb, live=self._live)
            except Exception:
                log.exception("A live quality check failed")
                continue
            with self._lock:
                if stop.is_set():
                    return  # a stopped feed's frame must never reach the next session
                if check.ok:
                    self._last_ok = rgb
            self.check_ready.emit(check)
