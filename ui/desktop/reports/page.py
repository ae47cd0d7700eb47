"""Reports and exports for one patient: a visit's PDF report, a progress report for a period,
their data as JSON and CSV, and erasure after their name is typed. Files are saved where the person
chooses with the normal file dialog; writing runs in the background and is all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
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

from core.vocabulary import SKIN_SCORE_LABEL
from ui.desktop.context_types import PageContextLike
from ui.desktop.importing.patient_picker import PatientPicker
from ui.desktop.importing.ports import PatientChoice
from ui.desktop.reports.ports import Erased, PatientVisits, ReportsPort, VisitRow
from ui.widgets.basics import label, named

ONLY_ADMINS = "Only an administrator may erase a patient's data."


def _day(edit: QDateEdit, *, end: bool) -> datetime:
    day = edit.date()
    value = date(day.year(), day.month(), day.day())
    return datetime.combine(value, time.max if end else time.min).astimezone()


def safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in " -_" else "_" for c in text).strip() or "patient"


class ReportsPage(QWidget):
    def __init__(self, ctx: PageContextLike) -> None:
        super().__init__()
        self.ctx = ctx
        self.services: ReportsPort = ctx.services
        self.record: PatientVisits | None = None
        self.picker = PatientPicker(self._search)
        self.picker.chosen.connect(self._chosen)
        who = QHBoxLayout()
        who.addWidget(label("Patient", "sectionTitle"))
        who.addWidget(self.picker, 1)

        self.visits = QTableWidget(0, 3)
        self.visits.setHorizontalHeaderLabels(["Visit", SKIN_SCORE_LABEL, "Photo"])
        self.visits.verticalHeader().setVisible(False)
        self.visits.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.visits.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.visits.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.visits.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            self.visits.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.visits.itemSelectionChanged.connect(self._refresh)

        self.visit_pdf = named(QPushButton("Visit report (PDF)…"), "primary")
        self.since = QDateEdit(QDate.currentDate().addYears(-1))
        self.until = QDateEdit(QDate.currentDate())
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
        self.progress_pdf = named(QPushButton("Progress report (PDF)…"), "primary")
        self.export = named(QPushButton("Export data (JSON and CSV)…"), "secondary")
        reports = QGroupBox("Reports")
        rows = QVBoxLayout(reports)
        line1 = QHBoxLayout()
        line1.addWidget(self.visit_pdf)
        line1.addWidget(label("for the visit chosen above", "muted"))
        line1.addStretch(1)
        line2 = QHBoxLayout()
        for widget in (label("From", "muted"), self.since, label("to", "muted"), self.until):
            line2.addWidget(widget)
        line2.addWidget(self.progress_pdf)
        line2.addStretch(1)
        line3 = QHBoxLayout()
        line3.addWidget(self.export)
        line3.addWidget(label("a new folder: patient.json, visits.csv and the photos", "muted"))
        line3.addStretch(1)
        for line in (line1, line2, line3):
            rows.addLayout(line)

        danger = QGroupBox("Erase this patient")
        self.erase_hint = label(
            "Erases the patient's account, visits, photos, notes and consents on this device and, "
            "through sync, everywhere. It cannot be undone. Type the patient's name to confirm.",
            "muted",
            wrap=True,
        )
        self.typed = QLineEdit()
        self.typed.setPlaceholderText("The patient's name, as shown above")
        self.erase = named(QPushButton("Erase patient"), "secondary")
        line4 = QHBoxLayout()
        line4.addWidget(self.typed, 1)
        line4.addWidget(self.erase)
        box = QVBoxLayout(danger)
        box.addWidget(self.erase_hint)
        box.addLayout(line4)

        self.status = label("", "notice", wrap=True)
        self.status.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Reports and exports", "title"))
        layout.addLayout(who)
        layout.addWidget(self.visits, 1)
        layout.addWidget(reports)
        layout.addWidget(danger)
        layout.addWidget(self.status)

        self.visit_pdf.clicked.connect(self._choose_visit_target)
        self.progress_pdf.clicked.connect(self._choose_progress_target)
        self.export.clicked.connect(self._choose_export_folder)
        self.typed.textChanged.connect(lambda _t: self._refresh())
        self.erase.clicked.connect(self.erase_now)
        ctx.workspace.page_changed.connect(self._page_changed)
        self._refresh()

    # -- the patient -----------------------------------------------------------------------------
    def _search(self, text: str, done: Callable[[list[PatientChoice]], None]) -> None:
        session = self.ctx.session
        self.ctx.runner.db(lambda: self.services.find_import_patients(session, text), done)

    def open_for(self, patient: PatientChoice) -> None:
        self.ctx.workspace.show_page("reports")
        self.picker.set_patient(patient)

    def _page_changed(self, key: str) -> None:
        if key == "reports" and self.picker.patient is not None:
            self._chosen(self.picker.patient)

    def _chosen(self, patient: PatientChoice | None) -> None:
        self.record = None
        self.visits.setRowCount(0)
        self.typed.clear()
        self._refresh()
        if patient is None:
            return
        session = self.ctx.session
        self.ctx.runner.db(
            lambda: self.services.patient_visits(session, patient.patient_id),
            self._show,
            self._failed,
        )

    def _show(self, record: PatientVisits) -> None:
        if (
            self.picker.patient is None
            or record.patient.patient_id != self.picker.patient.patient_id
        ):
            return
        self.record = record
        self.visits.setRowCount(len(record.visits))
        for i, visit in enumerate(record.visits):
            cells = (
                f"{visit.when:%d %b %Y %H:%M}",
                f"{visit.score:.0f}",
                "Yes" if visit.has_photo else "Not on this device",
            )
            for column, text in enumerate(cells):
                self.visits.setItem(i, column, QTableWidgetItem(text))
        if record.visits:
            self.visits.selectRow(0)
            oldest = record.visits[-1].when
            self.since.setDate(QDate(oldest.year, oldest.month, oldest.day))
            self.until.setDate(QDate.currentDate())
        self._refresh()

    def chosen_visit(self) -> VisitRow | None:
        picked = self.visits.selectionModel().selectedRows()
        if self.record is None or not picked or picked[0].row() >= len(self.record.visits):
            return None
        return self.record.visits[picked[0].row()]

    def _refresh(self) -> None:
        has = self.record is not None
        visits = bool(self.record and self.record.visits)
        self.visit_pdf.setEnabled(self.chosen_visit() is not None)
        self.progress_pdf.setEnabled(visits)
        self.export.setEnabled(has)
        may_erase = bool(self.record and self.record.may_erase)
        self.typed.setEnabled(may_erase)
        self.erase.setEnabled(may_erase and bool(self.typed.text().strip()))
        self.erase.setToolTip("" if may_erase or not has else ONLY_ADMINS)
        if has and not may_erase:
            self.typed.setPlaceholderText(ONLY_ADMINS)

    # -- saving ----------------------------------------------------------------------------------
    def _choose_visit_target(self) -> None:
        visit = self.chosen_visit()
        if visit is None or self.record is None:
            return
        suggested = f"{safe_name(self.record.patient.name)} {visit.when:%Y-%m-%d}.pdf"
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the visit report", suggested, "PDF (*.pdf)"
        )
        if name:
            self.save_visit_to(Path(name))

    def save_visit_to(self, target: Path) -> None:
        visit = self.chosen_visit()
        if visit is None:
            return
        self._say("Preparing the visit report…")
        session = self.ctx.session
        self.ctx.runner.work(
            lambda: self.services.save_visit_report(session, visit.analysis_id, target),
            lambda path: self._say(f"Visit report saved to {path}."),
            self._failed,
        )

    def _choose_progress_target(self) -> None:
        if self.record is None:
            return
        suggested = f"{safe_name(self.record.patient.name)} progress.pdf"
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the progress report", suggested, "PDF (*.pdf)"
        )
        if name:
            self.save_progress_to(Path(name))

    def save_progress_to(self, target: Path) -> None:
        if self.record is None:
            return
        patient_id = self.record.patient.patient_id
        since, until = _day(self.since, end=False), _day(self.until, end=True)
        self._say("Preparing the progress report…")
        session = self.ctx.session
        self.ctx.runner.work(
            lambda: self.services.save_progress_report(
                session, patient_id, since=since, until=until, target=target
            ),
            lambda path: self._say(f"Progress report saved to {path}."),
            self._failed,
        )

    def _choose_export_folder(self) -> None:
        if self.record is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Where to put the export")
        if folder:
            name = f"{safe_name(self.record.patient.name)} export {date.today():%Y-%m-%d}"
            self.export_to(Path(folder) / name)

    def export_to(self, target: Path) -> None:
        if self.record is None:
            return
        patient_id = self.record.patient.patient_id
        session = self.ctx.session
        self._say("Exporting…")
        self.ctx.runner.work(
            lambda: self.services.export_patient_data(session, patient_id, target),
            lambda path: self._say(f"The patient's data was exported to {path}."),
            self._failed,
        )

    # -- erasing ---------------------------------------------------------------------------------
    def erase_now(self) -> None:
        if self.record is None:
            return
        patient_id = self.record.patient.patient_id
        typed = self.typed.text()
        session = self.ctx.session

        def erased(done: Erased) -> None:
            self.picker.set_patient(None)
            self._say(
                f"{done.name} was erased: {done.analyses} visit{'s' if done.analyses != 1 else ''} "
                f"and {done.photos} photo file{'s' if done.photos != 1 else ''} removed."
            )

        self.ctx.runner.db(
            lambda: self.services.erase_patient(session, patient_id, typed), erased, self._failed
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setObjectName("error" if error else "notice")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _failed(self, exc: BaseException) -> None:
        self._say(
            getattr(exc, "message", f"Something went wrong ({type(exc).__name__})."), error=True
        )


def build_reports(ctx: PageContextLike) -> QWidget:
    return ReportsPage(ctx)
