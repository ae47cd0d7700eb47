"""The workspace's top-level pages, one entry each: add a page here and it gets its place in the
navigation column, its View-menu entry and shortcut, and is built fresh for every session.

A page's ``build`` is its constructor (it receives the :class:`PageContext`); keep the key, so
menus still find it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from ui.desktop.admin.page import build_admin
from ui.desktop.importing.page import build_import
from ui.desktop.ports import SessionInfo
from ui.desktop.reports.page import build_reports
from ui.desktop.shell.menus import DesktopActions
from ui.desktop.shell.placeholder import PlaceholderPage
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
        services: Any,
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


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    build: Callable[[PageContext], QWidget]
    action: str  # the ``DesktopActions`` field that opens it (View menu, Ctrl+digit)
    admin_only: bool = False


def _placeholder(title: str, text: str) -> Callable[[PageContext], QWidget]:
    return lambda _ctx: PlaceholderPage(title, text)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "patients",
        "Patients",
        _placeholder("Patients", "The patient list is being built."),
        "go_patients",
    ),
    PageSpec("import", "Import", build_import, "go_import"),
    PageSpec("reports", "Reports", build_reports, "go_reports"),
    PageSpec("admin", "Administration", build_admin, "go_admin", admin_only=True),
)


def pages_for(session: SessionInfo) -> tuple[PageSpec, ...]:
    """The pages this person may open: administration only for administrators."""
    return tuple(p for p in PAGES if session.is_admin or not p.admin_only)
