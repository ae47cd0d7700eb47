"""One analysis: the photo at full resolution with zoom and pan, a measure's heat map over it, and
beside it the quality warnings, every measure (or why it was not measured) and its regions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from core.vocabulary import shown_score
from ui.desktop.analysis.images import layer_image, photo_image
from ui.desktop.analysis.readings_panel import ReadingsPanel
from ui.desktop.analysis.toolbar import PhotoToolbar
from ui.desktop.context import PageContext
from ui.desktop.ports import AnalysisDetail, OverlayLayer
from ui.desktop.shell.runner import message_for
from ui.desktop.text import date_time, short_date
from ui.widgets.basics import label
from ui.widgets.photo_view import WHEEL_STEP, PhotoView

DRAWING = "Drawing the heat map from the photo…"


class AnalysisPage(QWidget):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.analysis_id: str | None = None
        self.detail: AnalysisDetail | None = None
        self.serial = 0  # the overlay asked for last; older answers are dropped
        self.title = label("", "title")
        self.subtitle = label("", "subtitle", wrap=True)
        self.toolbar = PhotoToolbar()
        self.view = PhotoView()
        self.photo_problem = label("", "warning", wrap=True)
        self.photo_problem.setVisible(False)
        self.panel = ReadingsPanel()
        self.panel.setMaximumWidth(460)
        self.error = label("", "error", wrap=True)
        self.error.setVisible(False)
        left = QVBoxLayout()
        left.addWidget(self.toolbar)
        left.addWidget(self.photo_problem)
        left.addWidget(self.view, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.error)
        layout.addLayout(body, 1)
        self.toolbar.overlay_chosen.connect(self.show_overlay)
        self.toolbar.zoom_in.connect(lambda: self.view.zoom_by(WHEEL_STEP))
        self.toolbar.zoom_out.connect(lambda: self.view.zoom_by(1 / WHEEL_STEP))
        self.toolbar.fit.connect(self.view.fit)
        self.panel.measure_chosen.connect(self.toolbar.choose)
        for action, slot in (
            (ctx.commands.zoom_in, self.toolbar.zoom_in.emit),
            (ctx.commands.zoom_out, self.toolbar.zoom_out.emit),
            (ctx.commands.zoom_fit, self.toolbar.fit.emit),
        ):
            ctx.link(action, self._when_shown(slot))

    def _when_shown(self, slot: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if self.ctx.workspace.current_key == "analysis":
                slot()

        return run

    # -- loading ---------------------------------------------------------------------------------
    def show_analysis(self, analysis_id: str) -> None:
        self.clear()
        self.analysis_id = analysis_id
        self.title.setText("Opening…")
        session = self.ctx.session

        def done(detail: AnalysisDetail) -> None:
            if self.analysis_id == analysis_id:
                self._fill(detail)

        def failed(exc: BaseException) -> None:
            if self.analysis_id == analysis_id:
                self.title.clear()
                self.error.setText(message_for(exc))
                self.error.setVisible(True)

        self.ctx.runner.db(
            lambda: self.ctx.services.analysis_detail(session, analysis_id), done, failed
        )

    def _fill(self, detail: AnalysisDetail) -> None:
        self.detail = detail
        self.title.setText(f"Analysis of {short_date(detail.taken_at)}")
        self.subtitle.setText(
            f"{detail.patient_name}  ·  Skin score {shown_score(detail.skin_score)} "
            f"({detail.score_band})  ·  {date_time(detail.taken_at)}  ·  "
            f"engine {detail.engine_version}"
        )
        self.ctx.workspace.show_page(
            "analysis",
            "Patients",
            detail.patient_name,
            f"Analysis of {short_date(detail.taken_at)}",
        )
        self.panel.show_detail(detail)
        self.toolbar.set_measures(detail.measures)
        self.toolbar.setEnabled(detail.photo is not None)
        if detail.photo is None:
            self.photo_problem.setText(detail.photo_problem)
            self.photo_problem.setVisible(True)
            return
        photo, analysis_id = detail.photo, detail.analysis_id

        def shown(image: QImage) -> None:
            if self.analysis_id == analysis_id:
                self.view.set_photo(image)
                self.show_overlay(self.toolbar.chosen())

        self.ctx.runner.work(lambda: photo_image(photo), shown)

    def show_overlay(self, measure: str) -> None:
        self.serial += 1
        serial, analysis_id, session = self.serial, self.analysis_id, self.ctx.session
        self.panel.select(measure or None)
        if not measure or analysis_id is None or not self.view.has_photo():
            self.view.set_overlay(None)
            self.toolbar.status.clear()
            return
        self.toolbar.status.setText(DRAWING)

        def done(result: tuple[OverlayLayer, QImage]) -> None:
            if serial == self.serial:
                layer, image = result
                self.view.set_overlay(image)
                self.toolbar.status.setText(layer.note)

        def failed(exc: BaseException) -> None:
            if serial == self.serial:
                self.toolbar.status.setText(message_for(exc))

        def work() -> tuple[OverlayLayer, QImage]:
            layer = self.ctx.services.overlay_layer(session, analysis_id, measure)
            return layer, layer_image(layer)

        self.ctx.runner.work(work, done, failed)

    def clear(self) -> None:
        self.serial += 1
        self.analysis_id = None
        self.detail = None
        self.title.clear()
        self.subtitle.clear()
        self.error.setVisible(False)
        self.photo_problem.setVisible(False)
        self.toolbar.status.clear()
        self.view.set_photo(None)
        self.panel.clear()

    def selected_overlay(self) -> str:
        return self.toolbar.chosen()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # back to the patient's record
            self.ctx.workspace.show_page("record")
            return
        super().keyPressEvent(event)
