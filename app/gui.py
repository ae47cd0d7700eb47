"""Start the Qt application."""

from __future__ import annotations

import sys

from app.context import AppContext
from app.services import AuthServices


def run_gui(
    ctx: AppContext, *, kiosk: bool = False, camera: str | None = None, windowed: bool = False
) -> int:
    """The desktop window, or with ``kiosk`` the walk-up kiosk (full screen unless ``windowed``)."""
    if kiosk:
        from app.kiosk_app import run_kiosk

        return run_kiosk(ctx, camera=camera, fullscreen=not windowed)
    from PySide6.QtWidgets import QApplication

    from ui.background import Pools
    from ui.desktop.main_window import MainWindow
    from ui.theme import apply_theme

    ctx.paths  # noqa: B018  (fail early, with a message, on an unusable data directory)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("SkinLab")
    apply_theme(app)  # type: ignore[arg-type]
    pools = Pools()
    window = MainWindow(AuthServices(ctx), pools)
    window.show()
    window.start()
    try:
        return int(app.exec())
    finally:
        pools.wait()
        ctx.close()
