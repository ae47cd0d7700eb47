"""Render every screen to a PNG, with realistic data in a throw-away data directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.context import AppContext
from app.desktop.services import DesktopServices
from core.config import load_settings
from ui.events import pump

DEMO_PASSWORD = "demo-password-1"


def render_screens(out_dir: Path, *, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Drive the desktop window through its screens and save one PNG each; return the files."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # lazy: Qt loads only when a window opens, so the CLI starts without it
    from PySide6.QtWidgets import QApplication

    from app.desktop.staff_screenshots import staff_screens
    from ui.background import Pools
    from ui.desktop.main_window import MainWindow
    from ui.theme import apply_theme

    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app)  # type: ignore[arg-type]
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="skinlab-shots-") as scratch:
        ctx = AppContext(load_settings(data_dir=Path(scratch), clinic_name="Rue Cler Dermatology"))
        pools = Pools()
        window = MainWindow(DesktopServices(ctx), pools)
        window.resize(*size)
        window.show()

        def shot(name: str) -> None:
            pump(app, 0.2)
            path = out_dir / f"{name}.png"
            window.grab().save(str(path))
            written.append(path)

        window.start()
        pump(app, 20, lambda: window.stack.currentWidget() is window.first_run)
        shot("desktop-first-run")
        ctx.auth.create_first_admin(
            email="ada@clinic.org", first_name="Ada", last_name="Lovelace", password=DEMO_PASSWORD
        )
        window.stack.setCurrentWidget(window.login)
        window.login.set_clinic(ctx.settings.clinic_name)
        window.login.email.setText("ada@clinic.org")
        shot("desktop-sign-in")
        for attempt in range(ctx.settings.lockout_threshold):
            window.login.password.setText(f"wrong-{attempt}")
            window.login.button.click()
            pump(app, 10, window.login.button.isEnabled)
        shot("desktop-sign-in-locked")
        ctx.auth.unlock("ada@clinic.org")
        window.login.password.setText(DEMO_PASSWORD)
        window.login.button.click()
        pump(app, 10, lambda: window.view is not None)
        shot("desktop-workspace")
        staff_screens(app, window, ctx, shot, password=DEMO_PASSWORD)
        window.lock("SkinLab locked itself after 10 minutes without use.")
        shot("desktop-locked")
        window.set_theme("dark")
        shot("desktop-locked-dark")
        window.set_theme("light")
        window.close()
        pools.wait()
        ctx.close()
    return written
