"""Everything that belongs to one signed-in session: its workspace of pages, its background
runner, its menu wiring and its open windows. ``close()`` drops all of it at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from ui.background import Pools
from ui.desktop.context import PageContext
from ui.desktop.pages import pages_for
from ui.desktop.ports import DesktopPort, SessionInfo
from ui.desktop.shell.menus import DesktopActions
from ui.desktop.shell.runner import Failure, SessionRunner
from ui.desktop.shell.workspace import Workspace


class SessionView(QObject):
    def __init__(
        self,
        *,
        services: DesktopPort,
        session: SessionInfo,
        pools: Pools,
        commands: DesktopActions,
        clinic_name: str,
        on_session_lost: Failure,
        on_failure: Failure,
    ) -> None:
        super().__init__()
        self.runner = SessionRunner(pools, on_session_lost=on_session_lost, on_failure=on_failure)
        self.workspace = Workspace(session, clinic_name)
        self.ctx = PageContext(
            services=services,
            session=session,
            runner=self.runner,
            commands=commands,
            workspace=self.workspace,
        )
        self.specs = pages_for(session)
        for spec in self.specs:
            self.workspace.add_page(spec.key, spec.title, spec.build(self.ctx))
            self.ctx.link(getattr(commands, spec.action), self._opener(spec.key))
        self.workspace.show_page(self.specs[0].key)

    def _opener(self, key: str) -> Any:
        return lambda: self.workspace.show_page(key)

    @property
    def session(self) -> SessionInfo:
        return self.ctx.session

    def renew(self, session: SessionInfo) -> None:
        """The same person unlocked: later calls carry the new token."""
        self.ctx.session = session

    def hide_windows(self) -> None:
        for dialog in self.ctx.dialogs:
            dialog.hide()

    def show_windows(self) -> None:
        for dialog in self.ctx.dialogs:
            dialog.show()

    def close(self) -> None:
        """Forget the session: late answers dropped, menus unhooked, windows and pages deleted."""
        self.runner.close()
        for action, slot in self.ctx.links:
            action.triggered.disconnect(slot)
        self.ctx.links.clear()
        for dialog in list(self.ctx.dialogs):
            dialog.hide()
            dialog.deleteLater()
        self.ctx.dialogs.clear()
        self.workspace.hide()
        self.workspace.deleteLater()
        self.deleteLater()
