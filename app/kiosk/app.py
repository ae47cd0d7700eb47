"""Start the walk-up kiosk: ``run_kiosk(data_dir, camera=..., fullscreen=...)`` (``skinlab --kiosk``).

The attract screen is painted first, from Qt, the kiosk's style sheet and the clinic's name alone
(:class:`FirstAttract`). Then, off the UI thread, the settings are loaded, the window lock taken
and the engine, the storage and every screen imported; the real :class:`KioskWindow` replaces the
first one, and a touch made on it meanwhile starts the visit there.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.faults import install_fault_handler
from app.first_paint import peek_saved, peek_setting, when_painted
from core.errors import SkinLabError
from core.locations import DEFAULT_CLINIC_NAME, KIOSK_FILE, data_dir_or_default

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QMainWindow

    from app.kiosk.services import KioskAppServices
    from ui.kiosk.window import KioskWindow

log = logging.getLogger(__name__)


def return_to_attract(window: KioskWindow) -> None:
    """After an unhandled exception: forget the visit and show the attract screen with a note."""

    def recover(message: str) -> None:
        window.reset()
        window.attract.show_notice(message)

    install_fault_handler(recover)


def first_clinic_name(data_dir: Path) -> str:
    """The clinic's name for the first painted attract screen, read without loading the settings:
    the kiosk's own file (set on its staff screen), else the settings; the checked configuration
    replaces it a moment later."""
    return (
        peek_saved(data_dir, KIOSK_FILE, "clinic_name")
        or peek_setting(data_dir, "clinic_name")
        or DEFAULT_CLINIC_NAME
    )


def open_services(data_dir: Path | None) -> KioskAppServices:
    """Everything heavy, off the UI thread: settings, the window lock, the engine, the storage and
    the kiosk's screens (imported here so the UI thread finds them loaded)."""
    # lazy: these are what the first paint must not wait for
    import ui.kiosk.window  # noqa: F401
    from app.context import AppContext
    from app.kiosk.services import KioskAppServices

    ctx = AppContext.from_args(data_dir)
    try:
        ctx.claim_window()  # a second kiosk on this data directory says so and exits
        return KioskAppServices(ctx)
    except BaseException:
        ctx.close()
        raise


class KioskStart:
    """The first attract screen, then the real kiosk window in its place."""

    def __init__(
        self,
        data_dir: Path | None,
        *,
        camera: str | None,
        fullscreen: bool,
        quit: Callable[[int], object],
    ) -> None:
        """``quit(code)`` ends the event loop when the kiosk cannot start (``QApplication.exit``)."""
        # lazy: Qt loads only when a window opens (the CLI never needs it)
        from ui.background import Pools
        from ui.kiosk.attract import AttractScreen
        from ui.kiosk.style import load_kiosk_style

        self.quit = quit
        self.data_dir = data_dir
        self.camera = camera
        self.fullscreen = fullscreen
        self.pools = Pools()
        self.window: KioskWindow | None = None
        self.exit_code = 0
        self.touched: str | None = None  # "start" or "admin", pressed before the window was ready
        self.first = _first_window(load_kiosk_style())
        self.attract = AttractScreen()
        self.attract.set_clinic(first_clinic_name(data_dir_or_default(data_dir)), None)
        self.attract.start.connect(lambda: self._touch("start"))
        self.attract.admin.connect(lambda: self._touch("admin"))
        self.first.setCentralWidget(self.attract)
        if fullscreen:  # closed to visitors from its first paint, as the real window will be
            self.guard = _closed_to_visitors(self.first)

    def show(self) -> None:
        """Paint the attract screen, then load the rest."""
        when_painted(self.first, self.load)
        _place(self.first, fullscreen=self.fullscreen)

    def load(self) -> None:
        # lazy: BackgroundOp is light; the work it runs is what is deferred
        from ui.background import BackgroundOp

        data_dir = self.data_dir
        op = BackgroundOp(lambda: open_services(data_dir), parent=self.first)
        op.success(self.open).failure(self.fail).run(self.pools.work)

    def open(self, services: KioskAppServices) -> None:
        """On the UI thread: the real window takes the first one's place."""
        # lazy: imported already by open_services, off the UI thread
        from ui.kiosk.window import KioskWindow

        window = self.window = KioskWindow(services, self.pools, camera=self.camera)
        return_to_attract(window)
        if not self.fullscreen:  # trying it out on a desktop: the window closes like any other
            window.lockdown.allow_close()
        _place(window, fullscreen=self.fullscreen, like=self.first)
        window.start()
        self.first.hide()
        self.first.deleteLater()
        if self.touched == "start":
            window.attract.start.emit()
        elif self.touched == "admin":
            window.attract.admin.emit()

    def fail(self, exc: BaseException) -> None:
        """The kiosk cannot start (a busy or unusable data directory, bad settings): say why and
        exit with status 1, as before the window opened."""
        if isinstance(exc, SkinLabError):
            log.error("%s: %s", exc.code, exc.message)
            print(f"skinlab: {exc.message}", file=sys.stderr, flush=True)
        else:
            log.critical("The kiosk could not start", exc_info=exc)
            print(f"skinlab: the kiosk could not start: {exc!r}", file=sys.stderr, flush=True)
        self.exit_code = 1
        self.quit(1)

    def _touch(self, what: str) -> None:
        self.touched = self.touched or what

    def close(self) -> None:
        """After the event loop: stop the camera, wait for background work, close the database."""
        window = self.window
        if window is not None:
            window.capture.end()
            window.feed.wait(2.0)
        self.pools.wait()
        if window is not None:
            services = window.services
            ctx = getattr(services, "ctx", None)
            if ctx is not None:
                ctx.close()


def _first_window(style: str) -> QMainWindow:
    # lazy: Qt loads only when a window opens
    from PySide6.QtWidgets import QMainWindow

    first = QMainWindow()
    first.setWindowTitle("SkinLab")
    first.setObjectName("kiosk")  # styled like the real window: the swap is not seen
    first.setStyleSheet(style)
    return first


def _closed_to_visitors(window: QMainWindow) -> QObject:
    """Until the real window (and its :class:`ui.kiosk.lockdown.Lockdown`) takes over, the first
    attract screen refuses Alt+F4 and a window manager's close (it has no text field or menu)."""
    # lazy: Qt loads only when a window opens
    from PySide6.QtCore import QEvent, QObject

    class Guard(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Close and watched is window:
                event.ignore()
                log.warning("Kiosk mode: closing the window was refused")
                return True
            return False

    guard = Guard(window)
    window.installEventFilter(guard)
    return guard


def _place(window: QMainWindow, *, fullscreen: bool, like: QMainWindow | None = None) -> None:
    # lazy: Qt loads only when a window opens
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    if not fullscreen:
        if like is not None:
            window.setGeometry(like.geometry())
        else:
            window.resize(1280, 800)
        window.show()
        return
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    # Kiosks often run X with no window manager, which ignores a full-screen request: take the
    # whole screen explicitly too.
    screen = QApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()


def run_kiosk(data_dir: Path | None, *, camera: str | None = None, fullscreen: bool = True) -> int:
    """Full screen with no window decorations unless ``fullscreen`` is false (for trying it out).

    ``camera`` overrides the camera chosen on the admin screen (``demo``, ``webcam:N``,
    ``file:PATH``, ``folder:PATH`` or ``auto``).
    """
    # lazy: Qt loads only when the kiosk window opens, so the CLI starts without it
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    screen = app.primaryScreen()
    if fullscreen and existing is None and screen is not None:
        # lazy: only a full-screen start looks at the screen's size
        from app.kiosk.display import relaunch_if_small

        relaunch_if_small(screen.size().width(), screen.size().height())
    app.setApplicationName("SkinLab Kiosk")
    start = KioskStart(data_dir, camera=camera, fullscreen=fullscreen, quit=app.exit)
    start.show()
    try:
        code = int(app.exec())
    finally:
        start.close()
    return start.exit_code or code
