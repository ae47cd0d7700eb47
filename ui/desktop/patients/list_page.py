"""The patient list: search as you type over names and emails, a visit filter, sortable columns,
and a table that loads pages as it scrolls. Every query runs on the database thread.

Each keystroke asks for its first page at once (no waiting for a pause): the database thread runs
one query at a time, and a query asked for a text typed past by the time its turn comes is not
run, so a burst of keystrokes costs the query in flight and the last one. The count, which can
read up to 1,000 matches, waits for the typing pause."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.storage.repositories.patients_terms import (
    PageCursor,
    PatientQuery,
    PatientSort,
    VisitWindow,
)
from ui.desktop.context import PageContext
from ui.desktop.patients.model import ID_ROLE, Line, PatientTableModel, lines
from ui.desktop.ports import PatientPage
from ui.desktop.shell.runner import message_for
from ui.desktop.text import count_text
from ui.widgets.basics import label, named

PAGE_SIZE = 200
FIRST_PAGE_SIZE = (
    50  # a screenful and more (about 35 rows at 1080 px): each keystroke reads no more
)
COUNT_CAP = 1000
TYPING_PAUSE_MS = 120  # the count waits for this pause in the typing
VISIT_CHOICES = (
    (VisitWindow.ANY, "Any last visit"),
    (VisitWindow.LAST_30_DAYS, "Seen in the last 30 days"),
    (VisitWindow.LAST_12_MONTHS, "Seen in the last 12 months"),
    (VisitWindow.NOT_IN_12_MONTHS, "Not seen for over 12 months"),
    (VisitWindow.NEVER, "Never analysed"),
)


class PatientsPage(QWidget):
    open_patient = Signal(str)  # patient id
    new_patient = Signal()

    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.query = PatientQuery()
        self.next_page: PageCursor | None = None
        self.count_wanted: tuple[int, PatientQuery] | None = None  # at the typing pause
        self.model = PatientTableModel()
        self.search = named(QLineEdit(), "search")
        self.search.setPlaceholderText("Find a patient by name or email  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumHeight(38)
        self.visits = QComboBox()
        for value, text in VISIT_CHOICES:
            self.visits.addItem(text, value)
        self.visits.setMinimumHeight(38)
        self.add_button = named(QPushButton("New patient"), "primary")
        self.status = label("", "muted", wrap=True)
        self.notice = label("", "notice", wrap=True)
        self.notice.setVisible(False)
        self.notice_timer = QTimer(self)
        self.notice_timer.setSingleShot(True)
        self.notice_timer.timeout.connect(lambda: self.notice.setVisible(False))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 240), (2, 80), (3, 100), (4, 130), (5, 70)):
            self.table.setColumnWidth(column, width)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.visits)
        bar.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(TYPING_PAUSE_MS)
        self.typing.timeout.connect(self._count_at_pause)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._open_first)
        self.visits.currentIndexChanged.connect(lambda _i: self.reload())
        self.add_button.clicked.connect(self.new_patient.emit)
        self.model.more_wanted.connect(self._load_more)
        self.model.sort_wanted.connect(self._sort)
        self.table.activated.connect(self._activated)
        ctx.link(ctx.commands.find, self.focus_search)
        self.reload()

    # -- queries ---------------------------------------------------------------------------------
    def current_query(self) -> PatientQuery:
        return PatientQuery(
            text=self.search.text(),
            sort=self.query.sort,
            descending=self.query.descending,
            visits=VisitWindow(self.visits.currentData()),
        )

    def _typed(self, _text: str) -> None:
        self.typing.start()  # (re)starts the pause the count waits for
        self.reload()

    def reload(self) -> None:
        """Ask for the first page of the current query; answers to older queries are dropped."""
        self.query = self.current_query()
        self.count_wanted = None
        generation = self.model.restart()
        query = self.query
        session = self.ctx.session

        def find() -> tuple[PatientPage, tuple[Line, ...]] | None:
            # Typed on since this was asked (it waited behind another query): not worth running.
            if generation != self.model.generation:
                return None
            page = self.ctx.services.find_patients(session, query, None, FIRST_PAGE_SIZE)
            return page, lines(page.rows)

        def done(found: tuple[PatientPage, tuple[Line, ...]] | None) -> None:
            if found is None:
                return
            page, shown = found
            if self.model.replace(generation, shown, more=page.next is not None):
                self.table.scrollToTop()
                self.table.clearSelection()
                self.next_page = page.next
                self._show_count(len(page.rows), exact=page.next is None)
                if page.next is not None:  # counted once the typing pauses, not per keystroke
                    self.count_wanted = (generation, query)
                    if not self.typing.isActive():
                        self._count_at_pause()

        def failed(exc: BaseException) -> None:
            if self.model.replace(generation, (), more=False):  # no rows of an older search
                self.status.setText(message_for(exc))

        self.ctx.runner.db(find, done, failed)

    def _load_more(self) -> None:
        generation, query, cursor = self.model.generation, self.query, self.next_page
        session = self.ctx.session

        def more() -> tuple[PatientPage, tuple[Line, ...]]:
            page = self.ctx.services.find_patients(session, query, cursor, PAGE_SIZE)
            return page, lines(page.rows)

        def done(found: tuple[PatientPage, tuple[Line, ...]]) -> None:
            page, shown = found
            if self.model.append(generation, shown, more=page.next is not None):
                self.next_page = page.next

        self.ctx.runner.db(more, done, lambda _exc: self.model.failed(generation))

    def _count_at_pause(self) -> None:
        if self.count_wanted is not None:
            (generation, query), self.count_wanted = self.count_wanted, None
            self._count(generation, query)

    def _count(self, generation: int, query: PatientQuery) -> None:
        session = self.ctx.session

        def count() -> int | None:
            # The next keystroke's page must not wait behind this one's count.
            if generation != self.model.generation:
                return None
            return self.ctx.services.count_patients(session, query, COUNT_CAP)

        def done(total: int | None) -> None:
            if total is not None and generation == self.model.generation:
                self._show_count(total, exact=total < COUNT_CAP)

        self.ctx.runner.db(count, done)

    def _show_count(self, total: int, *, exact: bool) -> None:
        if total == 0:
            words = self.query.text.strip()
            self.status.setText(f"No patient matches “{words}”." if words else "No patients.")
        else:
            self.status.setText(count_text(total, "patient", capped=not exact))

    def _sort(self, sort: PatientSort, descending: bool) -> None:
        if (sort, descending) != (self.query.sort, self.query.descending):
            self.query = PatientQuery(
                text=self.query.text, sort=sort, descending=descending, visits=self.query.visits
            )
            self.reload()

    def flash(self, text: str, seconds: float = 8) -> None:
        """A passing notice above the list (a save, a change made elsewhere)."""
        self.notice.setText(text)
        self.notice.setVisible(True)
        self.notice_timer.start(int(seconds * 1000))

    # -- opening -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.ctx.workspace.show_page("patients")
        self.search.setFocus()
        self.search.selectAll()

    def _activated(self, index: QModelIndex) -> None:
        patient_id = self.model.data(index, ID_ROLE)
        if patient_id:
            self.open_patient.emit(str(patient_id))

    def _open_first(self) -> None:
        if self.model.rowCount() == 1:
            self._activated(self.model.index(0, 0))
