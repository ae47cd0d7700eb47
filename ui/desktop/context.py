"""What every page of a signed-in session is given."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from ui.desktop.ports import DesktopPort, SessionInfo
from ui.desktop.shell.menus import DesktopActions
from ui.desktop.shell.runner import SessionRunner
from ui.desktop.shell.workspace import Workspace


class PageContext:
    """What a page may use: the services (through the background runner), who is signed in, the
    shared actions and the workspace (to open other pages).

    Read ``session`` at the moment of each call: unlocking after the idle lock renews it.
    ``link`` and ``open_dialog`` let the session undo everything a page set up when it ends.
    """

    def __init__(
        self,
        *,
        services: DesktopPort,
        session: SessionInfo,
        runner: SessionRunner,
        commands: DesktopActions,
        workspace: Workspace,
    ) -> None:
        self.services = services
        self.session = session
        self.runner = runner
        self.commands = commands
        self.workspace = workspace
        self.links: list[tuple[QAction, Callable[[], None]]] = []
        self.dialogs: list[QDialog] = []

    def link(self, action: QAction, slot: Callable[[], None]) -> None:
        """Connect a shared menu action to this session's page; undone when the session ends."""
        action.triggered.connect(slot)
        self.links.append((action, slot))

    def open_dialog(self, dialog: QDialog) -> None:
        """Show a window of this session: hidden while locked, closed when the session ends."""
        if dialog not in self.dialogs:
            self.dialogs.append(dialog)
            dialog.finished.connect(lambda _code: self._forget(dialog))
        dialog.show()
        dialog.raise_()

    def _forget(self, dialog: QDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
