"""One signed-in person's screens: a navigation column, a header with where you are, the pages.

A workspace belongs to one session. Signing out or another person signing in throws it away whole
(widgets, models, caches), so nothing of one clinician's patients survives into the next session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.desktop.ports import SessionInfo
from ui.widgets.basics import label, named

KEY_ROLE = Qt.ItemDataRole.UserRole


class Workspace(QWidget):
    page_changed = Signal(str)

    def __init__(self, session: SessionInfo, clinic_name: str) -> None:
        super().__init__()
        self.setObjectName("workspace")
        self.session = session
        self._pages: dict[str, QWidget] = {}
        self._nav_parent: dict[str, str] = {}
        self._crumbs: dict[str, tuple[str, ...]] = {}
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        side = named(QFrame(), "navColumn")
        side.setFixedWidth(200)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(12, 18, 12, 14)
        brand = label("SkinLab", "brand")
        clinic = label(clinic_name, "navClinic")
        clinic.setWordWrap(True)
        self.nav = named(QListWidget(), "nav")
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.nav.currentItemChanged.connect(self._nav_clicked)
        self.user_label = label(f"{session.full_name}\n{session.role}", "navUser")
        for widget in (brand, clinic):
            side_layout.addWidget(widget)
        side_layout.addSpacing(12)
        side_layout.addWidget(self.nav, 1)
        side_layout.addWidget(self.user_label)
        outer.addWidget(side)

        main = named(QWidget(), "content")
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(24, 16, 24, 16)
        main_layout.setSpacing(12)
        self.crumbs = label("", "crumbs")
        self.crumbs.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget()
        main_layout.addWidget(self.crumbs)
        main_layout.addWidget(self.stack, 1)
        outer.addWidget(main, 1)

    def add_page(
        self, key: str, title: str, widget: QWidget, *, nav_parent: str | None = None
    ) -> None:
        """A page; with no ``nav_parent`` it gets its own entry in the navigation column."""
        widget.setObjectName(widget.objectName() or f"page-{key}")
        self._pages[key] = widget
        self.stack.addWidget(widget)
        if nav_parent is None:
            item = QListWidgetItem(title)
            item.setData(KEY_ROLE, key)
            self.nav.addItem(item)
        else:
            self._nav_parent[key] = nav_parent

    def page(self, key: str) -> QWidget:
        return self._pages[key]

    def has_page(self, key: str) -> bool:
        return key in self._pages

    @property
    def current_key(self) -> str:
        widget = self.stack.currentWidget()
        return next((k for k, w in self._pages.items() if w is widget), "")

    def show_page(self, key: str, *crumbs: str) -> None:
        """Show a page; ``crumbs`` say where it is (remembered for the next time it is shown)."""
        self.stack.setCurrentWidget(self._pages[key])
        crumbs = crumbs or self._crumbs.get(key, ())
        if crumbs:
            self._crumbs[key] = crumbs
        nav_key = self._nav_parent.get(key, key)
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(KEY_ROLE) == nav_key:
                self.nav.blockSignals(True)
                self.nav.setCurrentItem(item)
                self.nav.blockSignals(False)
                if not crumbs:
                    crumbs = (item.text(),)
        self.crumbs.setText("  \u203a  ".join(crumbs))
        self.page_changed.emit(key)

    def _nav_clicked(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.show_page(str(item.data(KEY_ROLE)))
