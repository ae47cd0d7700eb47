"""The patients part of the workspace: the list, a patient's record, and the editor behind New
patient (Ctrl+N) and Edit details (Ctrl+E). The pages reached from a patient (record, analysis,
compare) sit under "Patients" in the navigation column."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ui.desktop.analysis.analysis_page import AnalysisPage
from ui.desktop.analysis.compare_page import ComparePage
from ui.desktop.context import PageContext
from ui.desktop.patients.editor import PatientEditor
from ui.desktop.patients.list_page import PatientsPage
from ui.desktop.patients.model import ID_ROLE
from ui.desktop.ports import PatientForm, SavedPatient
from ui.desktop.record.record_page import RecordPage
from ui.desktop.shell.runner import message_for

ANALYSIS_VIEWS = frozenset({"analysis", "compare"})


class PatientsFeature(QObject):
    def __init__(self, ctx: PageContext) -> None:
        self.page = PatientsPage(ctx)
        super().__init__(self.page)  # lives as long as its page
        self.ctx = ctx
        self.record = RecordPage(ctx)
        self.analysis = AnalysisPage(ctx)
        ctx.workspace.add_page("record", "Patient", self.record, nav_parent="patients")
        self.compare = ComparePage(ctx)
        ctx.workspace.add_page("analysis", "Analysis", self.analysis, nav_parent="patients")
        ctx.workspace.add_page("compare", "Compare", self.compare, nav_parent="patients")
        self.editor: PatientEditor | None = None
        self._in_analysis = False
        ctx.workspace.page_changed.connect(self._page_changed)
        self.page.new_patient.connect(self.new_patient)
        self.page.open_patient.connect(self.open_patient)
        self.record.edit_wanted.connect(self.edit_patient)
        self.record.open_analysis.connect(self.open_analysis)
        self.record.compare_wanted.connect(self.open_compare)
        ctx.link(ctx.commands.new_patient, self.new_patient)
        ctx.link(ctx.commands.edit_patient, self.edit_current)
        ctx.link(ctx.commands.compare, self.compare_current)

    def open_patient(self, patient_id: str) -> None:
        self.ctx.workspace.show_page("record", "Patients", "Opening…")
        self.record.show_patient(patient_id)

    def open_analysis(self, _patient_id: str, analysis_id: str) -> None:
        self.ctx.workspace.show_page("analysis", "Patients", "Opening…")
        self.analysis.show_analysis(analysis_id)

    def open_compare(self, patient_id: str, before_id: str, after_id: str) -> None:
        record = self.record.record
        if record is None or record.details.patient_id != patient_id:
            return
        self.compare.compare(
            patient_id, record.details.full_name, record.visits, before_id, after_id
        )

    def _page_changed(self, key: str) -> None:
        """Leaving the analysis views (to any other page) gives back the memory their heat maps
        freed."""
        viewing = key in ANALYSIS_VIEWS
        if self._in_analysis and not viewing:
            self.ctx.runner.work(self.ctx.services.analysis_closed, lambda _none: None)
        self._in_analysis = viewing

    def new_patient(self) -> None:
        self._open_editor(PatientForm(patient_id=None, values={}))

    def _current_patient(self) -> str | None:
        if self.ctx.workspace.current_key != "patients" and self.record.patient_id:
            return self.record.patient_id
        index = self.page.table.currentIndex()
        patient_id = self.page.model.data(index, ID_ROLE) if index.isValid() else None
        return str(patient_id) if patient_id else None

    def edit_current(self) -> None:
        patient_id = self._current_patient()
        if patient_id:
            self.edit_patient(patient_id)

    def compare_current(self) -> None:
        if self.ctx.workspace.current_key in ("record", "analysis"):
            self.record.compare_selected()

    def edit_patient(self, patient_id: str) -> None:
        session = self.ctx.session
        self.ctx.runner.db(
            lambda: self.ctx.services.patient_form(session, patient_id),
            self._open_editor,
            lambda exc: self.page.flash(message_for(exc)),
        )

    def _open_editor(self, form: PatientForm) -> None:
        if self.editor is not None:
            self.editor.close()
        self.editor = PatientEditor(self.ctx, form, self.page.window())
        self.editor.saved.connect(self._saved)
        self.ctx.open_dialog(self.editor)

    def _saved(self, saved: SavedPatient) -> None:
        self.page.reload()
        if self.record.patient_id == saved.patient_id:
            self.record.show_patient(saved.patient_id)
        note = ""
        if saved.changed_elsewhere:
            fields = ", ".join(f.replace("_", " ") for f in saved.changed_elsewhere)
            note = f" Someone else had changed {fields} meanwhile; their values are kept."
        self.page.flash(f"Saved {saved.full_name}.{note}")


def build_patients(ctx: PageContext) -> QWidget:
    return PatientsFeature(ctx).page
