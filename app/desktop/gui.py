"""Start the clinician's desktop window (``skinlab`` with no command).

The window is painted first, from Qt and the style sheet alone, in the theme the settings name: the
sign-in form when the data directory has a database (the person types while it opens), else the
"Opening SkinLab…" page. The settings, the window lock, the storage and the desktop's services load
behind it, off the UI thread, when the window asks for its start-up state.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.faults import install_fault_handler
from app.first_paint import peek_saved, peek_setting, when_painted
from core.errors import SkinLabError
from core.locations import DATABASE_FILE, DEFAULT_CLINIC_NAME, DESKTOP_FILE, data_dir_or_default

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.desktop.services import DesktopServices
    from ui.background import Pools
    from ui.desktop.main_window import MainWindow
    from ui.desktop.session_types import StartupState

PAINT_WAIT_SECONDS = 5.0
log = logging.getLogger(__name__)


class DeferredServices:
    """The desktop's services, opened by the first call of :meth:`startup` (on the database thread,
    as the window makes it): settings, the window lock, then :class:`DesktopServices`. Every other
    port is the opened services' own; the window offers nothing that needs them before its
    start-up has succeeded."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._opened: DesktopServices | None = None
        self._lock = threading.Lock()
        self.painted = threading.Event()
        """Set once the window has been painted: opening waits for it, so that its imports do not
        compete with the first paint for the interpreter."""

    def open(self) -> DesktopServices:
        with self._lock:
            if self._opened is None:
                self.painted.wait(PAINT_WAIT_SECONDS)
                # lazy: settings (pydantic), storage (SQLAlchemy) and the services load here, after
                # the window has been painted
                import ui.desktop.session_view  # noqa: F401  (so the first sign-in finds it loaded)
                from app.context import AppContext
                from app.desktop.admin.settings_store import with_desktop_file
                from app.desktop.services import DesktopServices

                ctx = AppContext.from_args(self.data_dir)
                try:
                    ctx.claim_window()  # a second window on this data directory says so
                    ctx.settings = with_desktop_file(ctx.settings)  # the administrator's choices
                    self._opened = DesktopServices(ctx)
                except BaseException:
                    ctx.close()
                    raise
            return self._opened

    def startup(self) -> StartupState:
        return self.open().startup()

    def __getattr__(self, name: str) -> Any:
        opened = self._opened
        if opened is None:
            raise AttributeError(f"{name}: the desktop's services are not open yet")
        return getattr(opened, name)

    def close(self) -> None:
        if self._opened is not None:
            try:
                self._opened.forget_session()  # the window is gone: no one is signed in
            except SkinLabError as exc:  # a database that never opened holds no proof either
                log.warning("The proof of sign-in was not forgotten at exit: %s", exc.message)
            finally:
                self._opened.ctx.close()


def first_clinic_name(data_dir: Path) -> str:
    """The clinic's name for the first painted sign-in form, read without loading the settings:
    the administrator's choice (``desktop.json``), else the settings; the checked settings replace
    it once loaded."""
    return (
        peek_saved(data_dir, DESKTOP_FILE, "clinic_name")
        or peek_setting(data_dir, "clinic_name")
        or DEFAULT_CLINIC_NAME
    )


def first_theme(data_dir: Path | None) -> str:
    """The theme of the first paint, read without loading the settings (the checked settings set
    it again once loaded)."""
    theme = (peek_setting(data_dir_or_default(data_dir), "desktop_theme") or "").strip().lower()
    return theme if theme in ("light", "dark") else "light"


def first_window(
    app: QApplication, data_dir: Path | None, pools: Pools
) -> tuple[MainWindow, DeferredServices]:
    """The window as its first paint shows it, with services that open when it starts."""
    # lazy: Qt and the desktop's first pages load only when the desktop starts
    from ui.desktop.main_window import THEMES, MainWindow
    from ui.theme import apply_theme

    # The style first, so that the widgets are polished once, as they are made; the window takes
    # the checked setting with its start-up state.
    apply_theme(app, THEMES[first_theme(data_dir)])
    services = DeferredServices(data_dir)
    window = MainWindow(services, pools)
    directory = data_dir_or_default(data_dir)
    if (directory / DATABASE_FILE).is_file():
        window.open_at_sign_in(first_clinic_name(directory))
    return window, services


def run_desktop(data_dir: Path | None) -> int:
    """Show the desktop window and run Qt's event loop until it closes."""
    # Qt is imported here, not at module level: ``skinlab --version`` and the CLI never load it.
    # High-DPI: the screen's exact scale (150 %, 175 %...) is followed, not rounded: Qt 6's default
    # (``PassThrough``), which is not set again here because naming it builds the ``Qt`` namespace
    # before the first paint (``ui/widgets/basics.py``).
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.background import Pools

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("SkinLab")
    pools = Pools()
    window, services = first_window(app, data_dir, pools)
    install_fault_handler(lambda message: QMessageBox.warning(window, "SkinLab", message))

    def painted() -> None:
        services.painted.set()
        window.start()  # its other pages; the start-up state (and the services) load off the UI thread

    when_painted(window, painted)
    window.show()
    try:
        return int(app.exec())
    finally:
        pools.wait()
        services.close()
