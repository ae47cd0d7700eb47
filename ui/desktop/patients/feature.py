"""The patients part of the workspace: the list page, and the editor behind New patient (Ctrl+N)
and Edit details (Ctrl+E)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ui.desktop.context import PageContext
from ui.desktop.patients.editor import PatientEditor
from ui.desktop.patients.list_page import PatientsPage
from ui.desktop.patients.model import ID_ROLE
from ui.desktop.ports import PatientForm, SavedPatient
from ui.desktop.shell.runner import message_for


class PatientsFeature(QObject):
    def __init__(self, ctx: PageContext) -> None:
        self.page = PatientsPage(ctx)
        super().__init__(self.page)  # lives as long as its page
        self.ctx = ctx
        self.editor: PatientEditor | None = None
        self.page.new_patient.connect(self.new_patient)
        self.page.open_patient.connect(self.edit_patient)
        ctx.link(ctx.commands.new_patient, self.new_patient)
        ctx.link(ctx.commands.edit_patient, self.edit_selected)

    def new_patient(self) -> None:
        self._open_editor(PatientForm(patient_id=None, values={}))

    def edit_selected(self) -> None:
        index = self.page.table.currentIndex()
        patient_id = self.page.model.data(index, ID_ROLE) if index.isValid() else None
        if patient_id:
            self.edit_patient(str(patient_id))

    def edit_patient(self, patient_id: str) -> None:
        session = self.ctx.session
        self.ctx.runner.db(
            lambda: self.ctx.services.patient_form(session, patient_id),
            self._open_editor,
            lambda exc: self.page.status.setText(message_for(exc)),
        )

    def _open_editor(self, form: PatientForm) -> None:
        if self.editor is not None:
            self.editor.close()
        self.editor = PatientEditor(self.ctx, form, self.page.window())
        self.editor.saved.connect(self._saved)
        self.ctx.open_dialog(self.editor)

    def _saved(self, saved: SavedPatient) -> None:
        self.page.reload()
        note = ""
        if saved.changed_elsewhere:
            fields = ", ".join(f.replace("_", " ") for f in saved.changed_elsewhere)
            note = f" Someone else had changed {fields} meanwhile; their values are kept."
        self.page.flash(f"Saved {saved.full_name}.{note}")


def build_patients(ctx: PageContext) -> QWidget:
    return PatientsFeature(ctx).page
