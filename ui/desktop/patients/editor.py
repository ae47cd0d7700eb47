"""Create or edit a patient. Only the fields the person changed are sent; if someone else changed
one of them since the form was opened, the save is refused and both values are shown side by
side: save again to keep yours, or take theirs."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.storage.repositories.patients_terms import EditConflictError, FieldConflict
from ui.desktop.context import PageContext
from ui.desktop.ports import PatientForm, SavedPatient
from ui.desktop.shell.runner import message_for
from ui.desktop.text import ROMAN, date_time
from ui.widgets.basics import label, named

NOT_KNOWN = "Not known"
FIELD_NAMES = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "birth_year": "Birth year",
    "fitzpatrick_type": "Fitzpatrick type",
    "fragrance_free": "Fragrance-free products",
    "pregnancy": "Pregnant or breastfeeding",
    "sensitive_skin": "Sensitive skin",
}
FLAGS = ("fragrance_free", "pregnancy", "sensitive_skin")
EMPTY: dict[str, Any] = {
    "first_name": "",
    "last_name": "",
    "email": "",
    "birth_year": None,
    "fitzpatrick_type": None,
    **dict.fromkeys(FLAGS, False),
}


def shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return NOT_KNOWN
    if name == "fitzpatrick_type":
        return f"Type {ROMAN[int(value) - 1]}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


class PatientEditor(QDialog):
    saved = Signal(object)  # SavedPatient

    def __init__(self, ctx: PageContext, form: PatientForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = form
        new = form.patient_id is None
        self.setWindowTitle("New patient" if new else "Edit patient")
        self.setMinimumWidth(480)
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.org")
        self.birth_year = QSpinBox()
        self.birth_year.setRange(1899, date.today().year)
        self.birth_year.setSpecialValueText(NOT_KNOWN)  # shown at the minimum: no year
        self.fitzpatrick = QComboBox()
        self.fitzpatrick.addItem(NOT_KNOWN, None)
        for step, numeral in enumerate(ROMAN, start=1):
            self.fitzpatrick.addItem(f"Type {numeral}", step)
        self.flags = {name: QCheckBox(FIELD_NAMES[name]) for name in FLAGS}

        fields = QFormLayout()
        for name, widget in (
            ("first_name", self.first_name),
            ("last_name", self.last_name),
            ("email", self.email),
            ("birth_year", self.birth_year),
            ("fitzpatrick_type", self.fitzpatrick),
        ):
            fields.addRow(FIELD_NAMES[name], widget)
        for box in self.flags.values():
            fields.addRow("", box)
        self.conflict = label("", "warning", wrap=True)
        self.conflict.setVisible(False)
        self.take_theirs = QPushButton("Take their values")
        self.take_theirs.setVisible(False)
        self.error = label("", "error", wrap=True)
        self.error.setVisible(False)
        self.save_button = named(QPushButton("Create patient" if new else "Save"), "primary")
        self.save_button.setDefault(True)
        cancel = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.take_theirs)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addWidget(self.conflict)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.take_theirs.clicked.connect(self._take_theirs)
        self.theirs: dict[str, Any] = {}
        self.show_values({**EMPTY, **dict(form.values)})

    # -- values ----------------------------------------------------------------------------------
    def show_values(self, values: dict[str, Any]) -> None:
        self.first_name.setText(values["first_name"] or "")
        self.last_name.setText(values["last_name"] or "")
        self.email.setText(values["email"] or "")
        self.birth_year.setValue(values["birth_year"] or self.birth_year.minimum())
        self.fitzpatrick.setCurrentIndex(
            max(0, self.fitzpatrick.findData(values["fitzpatrick_type"]))
        )
        for name, box in self.flags.items():
            box.setChecked(bool(values[name]))

    def values(self) -> dict[str, Any]:
        year = self.birth_year.value()
        return {
            "first_name": self.first_name.text().strip(),
            "last_name": self.last_name.text().strip(),
            "email": self.email.text().strip(),
            "birth_year": None if year == self.birth_year.minimum() else year,
            "fitzpatrick_type": self.fitzpatrick.currentData(),
            **{name: box.isChecked() for name, box in self.flags.items()},
        }

    def changes(self) -> dict[str, Any]:
        """What the person changed since the form was read (all filled fields for a new one)."""
        base = {**EMPTY, **dict(self.form.values)}
        return {k: v for k, v in self.values().items() if v != base[k]}

    # -- saving ----------------------------------------------------------------------------------
    def save(self) -> None:
        changes = self.changes()
        if not changes and self.form.patient_id is not None:
            self.accept()
            return
        self._busy(True)
        session, form = self.ctx.session, self.form
        services = self.ctx.services

        def work() -> SavedPatient:
            if form.patient_id is None:
                return services.create_patient(session, self.values_for_create(changes))
            return services.update_patient(session, form.patient_id, changes, form.clocks)

        self.ctx.runner.db(work, self._saved, self._failed)

    def values_for_create(self, changes: dict[str, Any]) -> dict[str, Any]:
        return {**{k: self.values()[k] for k in ("first_name", "last_name", "email")}, **changes}

    def _saved(self, result: SavedPatient) -> None:
        self._busy(False)
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, EditConflictError) and self.form.patient_id is not None:
            self._reload_for(exc.conflicts)
            return
        self.error.setText(message_for(exc))
        self.error.setVisible(True)

    def _reload_for(self, conflicts: tuple[FieldConflict, ...]) -> None:
        """Read the patient as now saved; keep what this person typed, and show both values."""
        patient_id, session = self.form.patient_id, self.ctx.session
        assert patient_id is not None
        mine = self.changes()

        def done(fresh: PatientForm) -> None:
            # Fields this person did not touch take the saved values, so saving again sends
            # only their own changes and undoes nobody else's.
            self.form = fresh
            self.show_values({**EMPTY, **dict(fresh.values), **mine})
            self.theirs = {c.field: c.theirs for c in conflicts}
            lines = [
                f"{FIELD_NAMES[c.field]}: yours {shown(c.field, c.yours)}, "
                f"theirs {shown(c.field, c.theirs)}"
                + (f" (saved {date_time(c.changed_at)})" if c.changed_at else "")
                for c in conflicts
            ]
            self.conflict.setText(
                "Someone else saved this patient while you were editing.\n"
                + "\n".join(lines)
                + "\nSave again to keep your values, or take theirs."
            )
            self.conflict.setVisible(True)
            self.take_theirs.setVisible(True)

        self.ctx.runner.db(
            lambda: self.ctx.services.patient_form(session, patient_id), done, self._failed
        )

    def _take_theirs(self) -> None:
        self.show_values({**self.values(), **self.theirs})
        self.conflict.setVisible(False)
        self.take_theirs.setVisible(False)

    def _busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)
        self.error.setVisible(False)
