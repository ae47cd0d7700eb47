"""Start the walk-up kiosk: ``run_kiosk(ctx, camera=..., fullscreen=...)`` (called by ``skinlab --kiosk``)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from app.context import AppContext
from app.faults import install_fault_handler
from app.kiosk.services import KioskAppServices

if TYPE_CHECKING:
    from ui.kiosk.window import KioskWindow


def return_to_attract(window: KioskWindow) -> None:
    """After an unhandled exception: forget the visit and show the attract screen with a note."""

    def recover(message: str) -> None:
        window.reset()
        window.attract.show_notice(message)

    install_fault_handler(recover)


def run_kiosk(ctx: AppContext, *, camera: str | None = None, fullscreen: bool = True) -> int:
    """Full screen with no window decorations unless ``fullscreen`` is false (for trying it out).

    ``camera`` overrides the camera chosen on the admin screen (``demo``, ``webcam:N``,
    ``file:PATH``, ``folder:PATH`` or ``auto``).
    """
    # lazy: Qt loads only when the kiosk window opens, so the CLI starts without it
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.background import Pools
    from ui.kiosk.window import KioskWindow

    ctx.claim_window()  # fails early, with a message, on an unusable or busy data directory
    if fullscreen:  # a touch screen has no keyboard: Qt's on-screen keyboard (PySide6 add-ons)
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("SkinLab Kiosk")
    pools = Pools()
    services = KioskAppServices(ctx)
    window = KioskWindow(services, pools, camera=camera)
    return_to_attract(window)
    if fullscreen:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        # Kiosks often run X with no window manager, which ignores a full-screen request: take the
        # whole screen explicitly too.
        screen = QApplication.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
    else:  # trying it out on a desktop: the window closes like any other
        window.lockdown.allow_close()
        window.resize(1280, 800)
        window.show()
    window.start()
    try:
        return int(app.exec())
    finally:
        window.capture.end()
        window.feed.wait(2.0)
        pools.wait()
        ctx.close()
