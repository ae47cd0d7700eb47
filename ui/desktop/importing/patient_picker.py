"""Choose a patient by typing part of a name or email: matches come from a background search and
are offered under the field; the page hears :attr:`PatientPicker.chosen` with the patient."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QWidget

from ui.desktop.importing.ports import PatientChoice

Search = Callable[[str, Callable[[list[PatientChoice]], None]], None]
"""Start a search for the text; call back (on the UI thread) with the matches."""


class PatientPicker(QWidget):
    chosen = Signal(object)  # PatientChoice, or None when the field no longer names one

    def __init__(
        self, search: Search, *, placeholder: str = "Type a patient's name or email"
    ) -> None:
        super().__init__()
        self._search = search
        self._matches: dict[str, PatientChoice] = {}
        self.patient: PatientChoice | None = None
        self.field = QLineEdit()
        self.field.setPlaceholderText(placeholder)
        self.field.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.field.setCompleter(self.completer)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(180)
        self._debounce.timeout.connect(self._run_search)
        self.field.textEdited.connect(self._edited)
        self.completer.activated[str].connect(self._picked)  # type: ignore[index]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)

    def set_patient(self, patient: PatientChoice | None) -> None:
        """Choose ``patient`` from code (e.g. opened from a patient's record)."""
        self.patient = patient
        self.field.setText(patient.shown if patient else "")
        self.chosen.emit(patient)

    def _edited(self, _text: str) -> None:
        if self.patient is not None:
            self.patient = None
            self.chosen.emit(None)
        self._debounce.start()

    def _run_search(self) -> None:
        text = self.field.text().strip()
        if not text:
            return

        def answered(found: list[PatientChoice]) -> None:
            self._found(text, found)

        self._search(text, answered)

    def _found(self, asked: str, found: list[PatientChoice]) -> None:
        if asked != self.field.text().strip():
            return  # the person typed on: a newer search is coming
        self._matches = {p.shown: p for p in found}
        self._model.setStringList(list(self._matches))
        exact = [p for p in found if asked.lower() in (p.shown.lower(), p.email, p.name.lower())]
        if len(exact) == 1:  # the whole name or email typed: no need to pick it from the list
            self._picked(exact[0].shown)
        elif found and self.field.hasFocus():
            self.completer.complete()

    def _picked(self, shown: str) -> None:
        patient = self._matches.get(shown)
        if patient is not None:
            self.patient = patient
            self.field.setText(shown)
            self.chosen.emit(patient)
