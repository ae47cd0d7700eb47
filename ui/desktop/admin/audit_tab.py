"""The audit log: who did what, when, about whom, on which device; filtered by person, patient,
action and dates; exported to CSV; and whether its hash chain is intact."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.desktop.admin.messages import Say
from ui.desktop.admin.ports import AdminPort, AuditPage, AuditQuery, AuditRow, ChainStatus, Person
from ui.desktop.context_types import PageContextLike
from ui.widgets.basics import label, named

HEADERS = ("When", "Who", "Action", "About", "Details", "Device")
Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[AuditRow, ...] = ()

    def set_rows(self, rows: tuple[AuditRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        return (
            f"{row.when.astimezone():%d %b %Y %H:%M:%S}",
            row.who,
            row.action.replace("_", " "),
            row.about,
            row.details,
            row.device,
        )[index.column()]


def _day(edit: QDateEdit, *, end: bool) -> datetime:
    day = edit.date()
    value = date(day.year(), day.month(), day.day())
    return datetime.combine(value, time.max if end else time.min).astimezone()


class AuditTab(QWidget):
    def __init__(self, ctx: PageContextLike, say: Say) -> None:
        super().__init__()
        self.ctx = ctx
        self.services: AdminPort = ctx.services
        self.say = say
        self.chain = label("Checking the audit log's chain…", "muted", wrap=True)
        self.person = QComboBox()
        self.person.addItem("Anyone", None)
        self.patient = QLineEdit()
        self.patient.setPlaceholderText("Patient name or email")
        self.action = QComboBox()
        self.action.addItem("Any action", None)
        self.use_since = QCheckBox("From")
        self.since = QDateEdit(QDate.currentDate().addMonths(-1))
        self.use_until = QCheckBox("to")
        self.until = QDateEdit(QDate.currentDate())
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
        self.apply = named(QPushButton("Show"), "primary")
        self.export = named(QPushButton("Export CSV…"), "secondary")
        filters = QHBoxLayout()
        for field in (self.person, self.patient, self.action):
            filters.addWidget(field, 1)
        dates = QHBoxLayout()
        for widget in (self.use_since, self.since, self.use_until, self.until):
            dates.addWidget(widget)
        dates.addStretch(1)
        dates.addWidget(self.apply)
        dates.addWidget(self.export)
        self.person.setMinimumContentsLength(16)
        self.action.setMinimumContentsLength(12)
        self.model = AuditModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 175)
        self.table.setColumnWidth(1, 200)
        self.table.setColumnWidth(2, 150)
        self.table.setColumnWidth(3, 200)
        self.count = label("", "muted")
        layout = QVBoxLayout(self)
        layout.addWidget(self.chain)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.apply.clicked.connect(self.search)
        self.patient.returnPressed.connect(self.search)
        self.export.clicked.connect(self._choose_export)

    def query(self) -> AuditQuery:
        return AuditQuery(
            person_id=self.person.currentData(),
            patient=self.patient.text(),
            action=self.action.currentData(),
            since=_day(self.since, end=False) if self.use_since.isChecked() else None,
            until=_day(self.until, end=True) if self.use_until.isChecked() else None,
        )

    def load(self) -> None:
        session = self.ctx.session
        run = self.ctx.runner
        run.db(lambda: self.services.verify_audit(session), self._chain, self._failed)
        run.db(lambda: self.services.audit_people(session), self._people, self._failed)
        run.db(lambda: self.services.audit_actions(session), self._actions, self._failed)
        self.search()

    def _chain(self, status: ChainStatus) -> None:
        text = status.summary
        if status.problems:
            text += "\n" + "\n".join(f"• {p}" for p in status.problems)
        self.chain.setText(text)
        self.chain.setObjectName("notice" if status.ok else "error")
        self.chain.style().unpolish(self.chain)
        self.chain.style().polish(self.chain)

    def _people(self, people: list[Person]) -> None:
        chosen = self.person.currentData()
        self.person.clear()
        self.person.addItem("Anyone", None)
        for person in people:
            self.person.addItem(person.label, person.person_id)
        self.person.setCurrentIndex(max(0, self.person.findData(chosen)))

    def _actions(self, actions: list[str]) -> None:
        chosen = self.action.currentData()
        self.action.clear()
        self.action.addItem("Any action", None)
        for action in actions:
            self.action.addItem(action.replace("_", " "), action)
        self.action.setCurrentIndex(max(0, self.action.findData(chosen)))

    def search(self) -> None:
        query = self.query()
        session = self.ctx.session
        self.ctx.runner.db(
            lambda: self.services.find_audit(session, query), self._show, self._failed
        )

    def _show(self, page: AuditPage) -> None:
        self.model.set_rows(page.rows)
        shown = len(page.rows)
        self.count.setText(
            f"The newest {shown} matching events: narrow the filter to see older ones (the export has them all)."
            if page.more
            else f"{shown} matching event{'s' if shown != 1 else ''}."
        )

    def _choose_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the audit log", "skinlab-audit.csv", "CSV files (*.csv)"
        )
        if name:
            self.export_to(Path(name))

    def export_to(self, target: Path) -> None:
        query = self.query()
        session = self.ctx.session
        self.ctx.runner.work(
            lambda: self.services.export_audit(session, query, target),
            lambda path: self.say(f"Audit log exported to {path}.", False),
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.say(getattr(exc, "message", f"Something went wrong ({type(exc).__name__})."), True)
