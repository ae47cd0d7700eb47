"""Start the clinician's desktop window (``skinlab`` with no command)."""

from __future__ import annotations

import sys

from app.context import AppContext
from app.desktop.admin.settings_store import with_desktop_file
from app.desktop.services import DesktopServices
from app.faults import install_fault_handler


def run_desktop(ctx: AppContext) -> int:
    """Show the desktop window and run Qt's event loop until it closes."""
    # Qt is imported here, not at module level: ``skinlab --version`` and the CLI never load it.
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.background import Pools
    from ui.desktop.main_window import MainWindow

    ctx.claim_window()  # fails early, with a message, on an unusable or busy data directory
    ctx.settings = with_desktop_file(ctx.settings)  # the administrator's saved choices
    if QApplication.instance() is None:
        # High-DPI: follow the screen's exact scale (150 %, 175 %...) instead of rounding it.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("SkinLab")
    pools = Pools()
    window = MainWindow(DesktopServices(ctx), pools)
    window.set_theme(ctx.settings.desktop_theme)
    install_fault_handler(lambda message: QMessageBox.warning(window, "SkinLab", message))
    window.show()
    window.start()
    try:
        return int(app.exec())
    finally:
        pools.wait()
        ctx.close()
