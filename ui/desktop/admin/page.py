"""Administration (administrators only): accounts, the audit log, settings, devices. Each tab loads
when it is first shown; everything it reads or changes goes through the background runner."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.desktop.admin.accounts_tab import AccountsTab
from ui.desktop.admin.audit_tab import AuditTab
from ui.desktop.admin.devices_tab import DevicesTab
from ui.desktop.admin.settings_tab import SettingsTab
from ui.desktop.context_types import PageContextLike
from ui.widgets.basics import label


class AdminPage(QWidget):
    def __init__(self, ctx: PageContextLike) -> None:
        super().__init__()
        self.ctx = ctx
        self.status = label("", "notice", wrap=True)
        self.status.setVisible(False)
        self.accounts = AccountsTab(ctx, self.say)
        self.audit = AuditTab(ctx, self.say)
        self.settings = SettingsTab(ctx, self.say)
        self.devices = DevicesTab(ctx, self.say)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.accounts, "Accounts")
        self.tabs.addTab(self.audit, "Audit log")
        self.tabs.addTab(self.settings, "Settings")
        self.tabs.addTab(self.devices, "Devices")
        self._loaded: set[int] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Administration", "title"))
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._load_tab)
        ctx.workspace.page_changed.connect(self._page_changed)

    def _page_changed(self, key: str) -> None:
        if key == "admin":
            self._load_tab(self.tabs.currentIndex())

    def _load_tab(self, index: int) -> None:
        if index in self._loaded:
            return
        self._loaded.add(index)
        tab = self.tabs.widget(index)
        if isinstance(tab, AccountsTab | AuditTab | SettingsTab | DevicesTab):
            tab.load()

    def say(self, text: str, error: bool) -> None:
        self.status.setObjectName("error" if error else "notice")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)
        self.status.setVisible(bool(text))


def build_admin(ctx: PageContextLike) -> QWidget:
    return AdminPage(ctx)
