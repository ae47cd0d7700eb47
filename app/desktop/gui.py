"""Start the clinician's desktop window (``skinlab`` with no command)."""

from __future__ import annotations

import sys

from app.context import AppContext
from app.desktop.services import AuthServices


def run_desktop(ctx: AppContext) -> int:
    """Show the desktop window and run Qt's event loop until it closes."""
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
