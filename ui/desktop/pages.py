"""The workspace's top-level pages, one entry each: add a page here and it gets its place in the
navigation column, its View-menu entry and shortcut, and is built fresh for every session.

A page's ``build`` is its constructor (it receives the :class:`PageContext`); keep the key, so
menus still find it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from ui.desktop.admin.page import build_admin
from ui.desktop.context import PageContext
from ui.desktop.importing.page import build_import
from ui.desktop.patients.feature import build_patients
from ui.desktop.ports import SessionInfo
from ui.desktop.reports.page import build_reports


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    build: Callable[[PageContext], QWidget]
    action: str  # the ``DesktopActions`` field that opens it (View menu, Ctrl+digit)
    admin_only: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("patients", "Patients", build_patients, "go_patients"),
    PageSpec("import", "Import", build_import, "go_import"),
    PageSpec("reports", "Reports", build_reports, "go_reports"),
    PageSpec("admin", "Administration", build_admin, "go_admin", admin_only=True),
)


def pages_for(session: SessionInfo) -> tuple[PageSpec, ...]:
    """The pages this person may open: administration only for administrators."""
    return tuple(p for p in PAGES if session.is_admin or not p.admin_only)
