"""What the Import, Reports and Administration pages use of their session's page context, as a
protocol, so those pages do not import the module that lists the pages (no import circle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from ui.desktop.ports import SessionInfo
from ui.desktop.shell.menus import DesktopActions
from ui.desktop.shell.workspace import Workspace

T = TypeVar("T")


class RunnerLike(Protocol):
    def db(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None: ...

    def work(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None: ...


class PageContextLike(Protocol):
    @property
    def services(self) -> Any: ...

    @property
    def session(self) -> SessionInfo:
        """Read at the moment of each call: unlocking after the idle lock renews it."""
        ...

    @property
    def runner(self) -> RunnerLike: ...

    @property
    def commands(self) -> DesktopActions: ...

    @property
    def workspace(self) -> Workspace: ...

    def link(self, action: QAction, slot: Callable[[], None]) -> None: ...

    def open_dialog(self, dialog: QDialog) -> None: ...
