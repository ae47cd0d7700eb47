"""One patient's record: who they are, how each measure moved over their visits, the visits
themselves as thumbnails, notes and consent history. Loaded in one database call, thumbnails in a
second one on the work pool; an answer for a patient no longer shown is dropped."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.vocabulary import MEASURES, SKIN_SCORE
from ui.desktop.context import PageContext
from ui.desktop.ports import NoteView, PatientDetails, PatientRecord
from ui.desktop.record.consent import ConsentTable
from ui.desktop.record.notes import NotesPanel
from ui.desktop.record.timeline import VisitTimeline
from ui.desktop.shell.runner import message_for
from ui.desktop.text import fitzpatrick_numeral, short_date
from ui.widgets.basics import label, named
from ui.widgets.images import decoded_image
from ui.widgets.trend_chart import TrendChart, TrendPoint

SCORE_LABEL = "Skin score"


def details_line(details: PatientDetails) -> str:
    parts = []
    if details.birth_year:
        parts.append(f"Born {details.birth_year} (age {date.today().year - details.birth_year})")
    if details.fitzpatrick_type:
        parts.append(f"Fitzpatrick type {fitzpatrick_numeral(details.fitzpatrick_type)}")
    for flag, words in (
        (details.fragrance_free, "Fragrance-free products"),
        (details.pregnancy, "Pregnant or breastfeeding"),
        (details.sensitive_skin, "Sensitive skin"),
    ):
        if flag:
            parts.append(words)
    parts.append(details.email)
    parts.append(f"Patient since {short_date(details.registered)}")
    return "  ·  ".join(parts)


def _decode(thumbnails: Mapping[str, bytes]) -> dict[str, QImage]:
    """JPEG bytes to images, on the work pool (QImage, unlike QPixmap, may be made off the UI;
    decoded_image, unlike QImage.fromData, cannot deadlock there)."""
    return {key: decoded_image(data) or QImage() for key, data in thumbnails.items()}


class RecordPage(QWidget):
    edit_wanted = Signal(str)  # patient id
    compare_wanted = Signal(str, str, str)  # patient id, earlier analysis id, later analysis id
    open_analysis = Signal(str, str)  # patient id, analysis id

    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.patient_id: str | None = None
        self.record: PatientRecord | None = None
        self.painted = False  # True once a record's widgets are filled (for the benchmark)
        self.title = label("", "title")
        self.details = label("", "subtitle", wrap=True)
        self.edit_button = QPushButton("Edit details")
        self.compare_button = named(QPushButton("Compare"), "secondary")
        self.open_button = named(QPushButton("Open analysis"), "primary")
        self.measure = QComboBox()
        self.measure.addItem(SCORE_LABEL, SKIN_SCORE)
        for key, measure in MEASURES.items():
            suffix = " (estimate)" if measure.estimate else ""
            self.measure.addItem(f"{measure.clinical_label}{suffix}", key)
        self.chart = TrendChart()
        self.timeline = VisitTimeline()
        self.hint = label("", "muted", wrap=True)
        self.notes = NotesPanel()
        self.consents = ConsentTable()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.notes, "Notes")
        self.tabs.addTab(self.consents, "Consent history")
        self.error = label("", "error", wrap=True)
        self.error.setVisible(False)
        self._layout()
        self.measure.currentIndexChanged.connect(lambda _i: self._draw_trend())
        self.timeline.itemSelectionChanged.connect(self._selection_changed)
        self.timeline.open_visit.connect(self._open)
        self.open_button.clicked.connect(self._open_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        self.edit_button.clicked.connect(self._edit)
        self.notes.add.connect(self._add_note)
        ctx.link(ctx.commands.add_note, self._focus_note)

    def _layout(self) -> None:
        head = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.title)
        names.addWidget(self.details)
        head.addLayout(names, 1)
        for button in (self.edit_button, self.compare_button, self.open_button):
            head.addWidget(button, alignment=Qt.AlignmentFlag.AlignTop)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        picker = QHBoxLayout()
        picker.addWidget(label("Trend of", "muted"))
        picker.addWidget(self.measure)
        picker.addStretch(1)
        left_layout.addLayout(picker)
        left_layout.addWidget(named(self.chart, "trend"), 1)
        left_layout.addWidget(label("Visits", "sectionTitle"))
        left_layout.addWidget(self.timeline)
        left_layout.addWidget(self.hint)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)

    # -- loading ---------------------------------------------------------------------------------
    def show_patient(self, patient_id: str) -> None:
        """Clear, then fill from the database; a late answer for another patient is dropped."""
        self.clear()
        self.patient_id = patient_id
        self.title.setText("Opening…")
        session = self.ctx.session

        def done(record: PatientRecord) -> None:
            if self.patient_id == patient_id:
                self._fill(record)
                self._load_thumbnails(patient_id)

        def failed(exc: BaseException) -> None:
            if self.patient_id == patient_id:
                self.title.setText("")
                self.error.setText(message_for(exc))
                self.error.setVisible(True)

        self.ctx.runner.db(
            lambda: self.ctx.services.patient_record(session, patient_id), done, failed
        )

    def _fill(self, record: PatientRecord) -> None:
        self.record = record
        self.title.setText(record.details.full_name)
        self.details.setText(details_line(record.details))
        self.ctx.workspace.show_page("record", "Patients", record.details.full_name)
        self.timeline.set_visits(record.visits)
        self.notes.set_notes(record.notes, may_write=record.may_write_notes)
        self.consents.set_consents(record.consents)
        self._draw_trend()
        self._selection_changed()
        self.painted = True

    def _load_thumbnails(self, patient_id: str) -> None:
        session = self.ctx.session

        def done(images: dict[str, QImage]) -> None:
            if self.patient_id == patient_id:
                self.timeline.set_thumbnails(images)

        self.ctx.runner.work(
            lambda: _decode(self.ctx.services.visit_thumbnails(session, patient_id)),
            done,
            lambda exc: self.hint.setText(f"Thumbnails not shown: {message_for(exc)}"),
        )

    def clear(self) -> None:
        self.patient_id = None
        self.record = None
        self.painted = False
        for text in (self.title, self.details, self.hint):
            text.clear()
        self.error.setVisible(False)
        self.timeline.clear()
        self.chart.clear()
        self.notes.clear()
        self.consents.clear_rows()

    # -- trend and selection ---------------------------------------------------------------------
    def _draw_trend(self) -> None:
        if self.record is None:
            return
        key = str(self.measure.currentData())
        points = [
            TrendPoint(
                when=v.taken_at,
                value=v.skin_score if key == SKIN_SCORE else v.metrics[key],
                key=v.analysis_id,
                label=short_date(v.taken_at),
            )
            for v in self.record.visits
            if key == SKIN_SCORE or key in v.metrics
        ]
        caption = "higher is better" if key == SKIN_SCORE else MEASURES[key].direction
        self.chart.set_series(self.measure.currentText(), caption, points)
        self.chart.mark(self.timeline.selected_ids())

    def _selection_changed(self) -> None:
        chosen = self.timeline.selected_ids()
        count = len(self.record.visits) if self.record else 0
        self.open_button.setEnabled(len(chosen) == 1)
        self.compare_button.setEnabled(len(chosen) == 2 or (not chosen and count >= 2))
        self.ctx.commands.compare.setEnabled(count >= 2)
        self.chart.mark(chosen)
        if count == 0:
            self.hint.setText("No analyses yet.")
        elif len(chosen) == 2:
            self.hint.setText("Compare shows these two visits side by side.")
        else:
            self.hint.setText("Select one visit to open it, or two to compare them.")

    def compare_selected(self) -> None:
        """The two selected visits, or the first and the latest when none are selected."""
        if self.record is None or self.patient_id is None or len(self.record.visits) < 2:
            return
        chosen = self.timeline.selected_ids()
        if len(chosen) != 2:
            chosen = [self.record.visits[0].analysis_id, self.record.visits[-1].analysis_id]
        self.compare_wanted.emit(self.patient_id, chosen[0], chosen[1])

    def _open(self, analysis_id: str) -> None:
        if self.patient_id is not None:
            self.open_analysis.emit(self.patient_id, analysis_id)

    def _open_selected(self) -> None:
        chosen = self.timeline.selected_ids()
        if len(chosen) == 1:
            self._open(chosen[0])

    def _edit(self) -> None:
        if self.patient_id is not None:
            self.edit_wanted.emit(self.patient_id)

    # -- notes -----------------------------------------------------------------------------------
    def _focus_note(self) -> None:
        if self.patient_id is not None and self.ctx.workspace.current_key == "record":
            self.tabs.setCurrentWidget(self.notes)
            self.notes.editor.setFocus()

    def _add_note(self, body: str) -> None:
        patient_id, session = self.patient_id, self.ctx.session
        if patient_id is None:
            return

        def done(note: NoteView) -> None:
            if self.patient_id == patient_id:
                self.notes.prepend(note)

        self.ctx.runner.db(
            lambda: self.ctx.services.add_note(session, patient_id, body),
            done,
            lambda exc: self.notes.failed(message_for(exc)),
        )
