"""Accounts: who may sign in on this device, with their role and state; create one, change a role,
unlock, deactivate, set a new password. Administrators only (the page is built for them alone and
every call is checked again by the service)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.desktop.admin.messages import Say
from ui.desktop.admin.ports import STAFF_ROLES, AccountRow, AdminPort, NewAccount
from ui.desktop.context_types import PageContextLike
from ui.widgets.basics import label, named

ROLE_WORDS = {"clinician": "Clinician", "admin": "Administrator", "kiosk": "Kiosk"}
HEADERS = ("Name", "Email", "Role", "State", "Last sign-in")


def state_text(row: AccountRow) -> str:
    if not row.active:
        return "Deactivated"
    return "Locked (too many failed sign-ins)" if row.locked else "Active"


class AccountsTab(QWidget):
    def __init__(self, ctx: PageContextLike, say: Say) -> None:
        super().__init__()
        self.ctx = ctx
        self.services: AdminPort = ctx.services
        self.say = say
        self.rows: list[AccountRow] = []

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # a clinic's few staff
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)

        chosen = QGroupBox("Selected account")
        self.role = QComboBox()
        for role in STAFF_ROLES:
            self.role.addItem(ROLE_WORDS[role], role)
        self.set_role = named(QPushButton("Change role"), "secondary")
        self.unlock = named(QPushButton("Unlock"), "secondary")
        self.deactivate = named(QPushButton("Deactivate"), "secondary")
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setPlaceholderText("New password (at least 8 characters)")
        self.set_password = named(QPushButton("Set password"), "secondary")
        row1 = QHBoxLayout()
        for widget in (
            label("Role", "muted"),
            self.role,
            self.set_role,
            self.unlock,
            self.deactivate,
        ):
            row1.addWidget(widget)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(self.new_password, 1)
        row2.addWidget(self.set_password)
        box = QVBoxLayout(chosen)
        box.addLayout(row1)
        box.addLayout(row2)

        create = QGroupBox("New account")
        self.first = QLineEdit()
        self.last = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@clinic.org")
        self.new_role = QComboBox()
        for role in STAFF_ROLES:
            self.new_role.addItem(ROLE_WORDS[role], role)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("At least 8 characters")
        self.create_button = named(QPushButton("Create account"), "primary")
        form = QGridLayout(create)
        cells = (
            ("First name", self.first),
            ("Last name", self.last),
            ("Email", self.email),
            ("Role", self.new_role),
            ("Password", self.password),
        )
        for i, (title, field) in enumerate(cells):
            form.addWidget(label(title, "muted"), i // 2, (i % 2) * 2)
            form.addWidget(field, i // 2, (i % 2) * 2 + 1)
        form.addWidget(self.create_button, 2, 3)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(chosen)
        layout.addWidget(create)

        self.set_role.clicked.connect(self._change_role)
        self.unlock.clicked.connect(lambda: self._act("unlock"))
        self.deactivate.clicked.connect(lambda: self._act("deactivate"))
        self.set_password.clicked.connect(self._reset_password)
        self.create_button.clicked.connect(self._create)
        self._selected()

    # -- loading ---------------------------------------------------------------------------------
    def load(self) -> None:
        session = self.ctx.session
        self.ctx.runner.db(lambda: self.services.list_accounts(session), self._show, self._failed)

    def _show(self, rows: list[AccountRow]) -> None:
        chosen = self.current()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            when = f"{row.last_login.astimezone():%d %b %Y %H:%M}" if row.last_login else "Never"
            for column, text in enumerate(
                (row.name, row.email, ROLE_WORDS.get(row.role, row.role), state_text(row), when)
            ):
                self.table.setItem(i, column, QTableWidgetItem(text))
        if chosen is not None:
            self.select(chosen.email)
        self._selected()

    def select(self, email: str) -> None:
        for i, row in enumerate(self.rows):
            if row.email == email:
                self.table.selectRow(i)

    def current(self) -> AccountRow | None:
        picked = self.table.selectionModel().selectedRows()
        return self.rows[picked[0].row()] if picked and picked[0].row() < len(self.rows) else None

    def _selected(self) -> None:
        row = self.current()
        for widget in (self.set_role, self.unlock, self.deactivate, self.set_password):
            widget.setEnabled(row is not None)
        if row is not None:
            self.role.setCurrentIndex(max(0, self.role.findData(row.role)))
            self.unlock.setEnabled(row.locked)
            self.deactivate.setEnabled(row.active)

    # -- actions ---------------------------------------------------------------------------------
    def _act(self, what: str) -> None:
        row = self.current()
        if row is None:
            return
        session = self.ctx.session
        call = (
            self.services.unlock_account if what == "unlock" else self.services.deactivate_account
        )
        done = "unlocked" if what == "unlock" else "deactivated"
        self.ctx.runner.db(
            lambda: call(session, row.email),
            lambda _r: self._changed(f"{row.email} {done}."),
            self._failed,
        )

    def _change_role(self) -> None:
        row = self.current()
        if row is None:
            return
        role = str(self.role.currentData())
        session = self.ctx.session
        self.ctx.runner.db(
            lambda: self.services.set_account_role(session, row.email, role),
            lambda _r: self._changed(f"{row.email} is now {ROLE_WORDS[role].lower()}."),
            self._failed,
        )

    def _reset_password(self) -> None:
        row = self.current()
        if row is None:
            return
        password = self.new_password.text()
        session = self.ctx.session
        self.ctx.runner.db(
            lambda: self.services.reset_password(session, row.email, password),
            lambda _r: self._changed(f"New password set for {row.email}."),
            self._failed,
        )

    def _create(self) -> None:
        account = NewAccount(
            email=self.email.text(),
            first_name=self.first.text(),
            last_name=self.last.text(),
            role=str(self.new_role.currentData()),
            password=self.password.text(),
        )
        session = self.ctx.session

        def created(row: AccountRow) -> None:
            for field in (self.first, self.last, self.email, self.password):
                field.clear()
            self._changed(f"Account created for {row.email}.", select=row.email)

        self.ctx.runner.db(
            lambda: self.services.create_account(session, account), created, self._failed
        )

    def _changed(self, text: str, *, select: str | None = None) -> None:
        self.new_password.clear()
        self.say(text, False)
        self.load()
        if select:
            self.ctx.runner.db(lambda: None, lambda _r: self.select(select))

    def _failed(self, exc: BaseException) -> None:
        self.say(getattr(exc, "message", f"Something went wrong ({type(exc).__name__})."), True)
