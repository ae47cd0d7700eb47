"""Two analyses of one patient: side by side with zoom and pan kept in step (the faces lined up by
the engine's face boxes), or as one before/after wipe with a slider; the same heat map on both;
and every measure's change, better or worse, real or within retest noise."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QKeyEvent, QTransform
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.vocabulary import shown_score
from ui.desktop.analysis.alignment import (
    FaceFrame,
    point_between,
    transform_between,
    zoom_between,
)
from ui.desktop.analysis.changes_table import READ_AGAIN_NOTE, ChangesTable
from ui.desktop.analysis.images import layer_image, photo_image
from ui.desktop.analysis.toolbar import PhotoToolbar
from ui.desktop.context import PageContext
from ui.desktop.ports import AnalysisDetail, LikeForLike, OverlayLayer, VisitSummary
from ui.desktop.shell.runner import message_for
from ui.desktop.text import short_date
from ui.widgets.basics import label, named
from ui.widgets.photo_view import WHEEL_STEP, PhotoView
from ui.widgets.wipe_view import WipeView

SIDES = ("before", "after")


class ComparePage(QWidget):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.patient_id: str | None = None
        self.patient_name = ""
        self.details: dict[str, AnalysisDetail] = {}
        self.images: dict[str, QImage] = {}
        self.frames: dict[str, FaceFrame] = {}
        self.serial = 0  # the pair asked for last; answers for an earlier pair are dropped
        self.overlay_serial = 0  # likewise for the heat map asked for last
        self._syncing = False
        self.title = label("", "title")
        self.pickers = {side: QComboBox() for side in SIDES}
        for picker in self.pickers.values():  # sized by the room, not by the longest visit
            picker.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            picker.setMinimumContentsLength(12)
        self.swap = QPushButton("\u21c4")
        self.swap.setToolTip("Swap before and after")
        self.side_button = QPushButton("Side by side")
        self.wipe_button = QPushButton("Before/after slider")
        self.modes = QButtonGroup(self)
        for button in (self.side_button, self.wipe_button):
            button.setCheckable(True)
            self.modes.addButton(button)
        self.side_button.setChecked(True)
        self.toolbar = PhotoToolbar()
        self.views = {side: PhotoView() for side in SIDES}
        self.captions = {side: label("", "sectionTitle", wrap=True) for side in SIDES}
        self.wipe = WipeView()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 1000)
        self.slider.setValue(500)
        self.wipe_caption = label("", "muted", wrap=True)
        self.changes = ChangesTable()
        self.like_status = label("", "muted", wrap=True)
        self.like_status.setVisible(False)
        self.error = label("", "error", wrap=True)
        self.error.setVisible(False)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        choose = QHBoxLayout()
        choose.addWidget(label("Before", "muted"))
        choose.addWidget(self.pickers["before"], 1)
        choose.addWidget(self.swap)
        choose.addWidget(label("After", "muted"))
        choose.addWidget(self.pickers["after"], 1)
        tools = QHBoxLayout()
        tools.addWidget(self.toolbar, 1)
        tools.addSpacing(12)
        tools.addWidget(self.side_button)
        tools.addWidget(self.wipe_button)
        side = QWidget()
        grid = QGridLayout(side)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, name in enumerate(SIDES):
            grid.addWidget(self.captions[name], 0, column)
            grid.addWidget(self.views[name], 1, column)
        wipe = QWidget()
        wipe_layout = QVBoxLayout(wipe)
        wipe_layout.setContentsMargins(0, 0, 0, 0)
        wipe_layout.addWidget(self.wipe_caption)
        wipe_layout.addWidget(self.wipe, 1)
        wipe_layout.addWidget(self.slider)
        self.photos = QStackedWidget()
        self.photos.addWidget(side)
        self.photos.addWidget(wipe)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(tools)
        top_layout.addWidget(self.photos, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.like_status)
        below_layout.addWidget(named(self.changes, "changes"), 1)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(choose)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        for name in SIDES:
            self.pickers[name].activated.connect(lambda _i: self._picked())
            self.views[name].view_changed.connect(self._follower(name))
        self.swap.clicked.connect(self._swap)
        self.side_button.toggled.connect(self._mode)
        self.slider.valueChanged.connect(lambda v: self.wipe.set_position(v / 1000))
        self.toolbar.overlay_chosen.connect(self.show_overlay)
        self.toolbar.zoom_in.connect(lambda: self._zoom(WHEEL_STEP))
        self.toolbar.zoom_out.connect(lambda: self._zoom(1 / WHEEL_STEP))
        self.toolbar.fit.connect(self._fit)
        for action, slot in (
            (self.ctx.commands.zoom_in, self.toolbar.zoom_in.emit),
            (self.ctx.commands.zoom_out, self.toolbar.zoom_out.emit),
            (self.ctx.commands.zoom_fit, self.toolbar.fit.emit),
        ):
            self.ctx.link(action, self._when_shown(slot))

    def _when_shown(self, slot: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if self.ctx.workspace.current_key == "compare":
                slot()

        return run

    # -- choosing ------------------------------------------------------------------------------
    def compare(
        self,
        patient_id: str,
        patient_name: str,
        visits: Sequence[VisitSummary],
        before_id: str,
        after_id: str,
    ) -> None:
        """Show ``before_id`` against ``after_id``; the pickers offer every visit of the patient."""
        self.patient_id, self.patient_name = patient_id, patient_name
        self.title.setText(f"Compare · {patient_name}")
        for name, chosen in zip(SIDES, (before_id, after_id), strict=True):
            picker = self.pickers[name]
            picker.clear()
            for visit in visits:
                picker.addItem(
                    f"{short_date(visit.taken_at)} · score {shown_score(visit.skin_score)}",
                    visit.analysis_id,
                )
            picker.setCurrentIndex(max(0, picker.findData(chosen)))
        self.ctx.workspace.show_page("compare", "Patients", patient_name, "Compare")
        self._load(before_id, after_id)

    def _picked(self) -> None:
        before, after = (str(self.pickers[n].currentData()) for n in SIDES)
        self._load(before, after)

    def _swap(self) -> None:
        before, after = (self.pickers[n].currentIndex() for n in SIDES)
        self.pickers["before"].setCurrentIndex(after)
        self.pickers["after"].setCurrentIndex(before)
        self._picked()

    def _load(self, before_id: str, after_id: str) -> None:
        self.serial += 1
        serial, session = self.serial, self.ctx.session
        self.details, self.images, self.frames = {}, {}, {}
        self.error.setVisible(False)
        self.like_status.setVisible(False)
        self.changes.setRowCount(0)
        for view in (*self.views.values(), self.wipe):
            view.set_photo(None)
        self.wipe.set_before(None, QTransform())
        for name, analysis_id in zip(SIDES, (before_id, after_id), strict=True):

            def read(a: str = analysis_id) -> AnalysisDetail:
                return self.ctx.services.analysis_detail(session, a)

            def done(detail: AnalysisDetail, name: str = name) -> None:
                if serial == self.serial:
                    self._loaded(name, detail)

            self.ctx.runner.db(read, done, self._failed(serial))

    def _failed(self, serial: int) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            if serial == self.serial:
                self.error.setText(message_for(exc))
                self.error.setVisible(True)

        return show

    def _loaded(self, name: str, detail: AnalysisDetail) -> None:
        self.details[name] = detail
        self.captions[name].setText(
            f"{name.title()} · {short_date(detail.taken_at)} · score {shown_score(detail.skin_score)}"
        )
        if len(self.details) == 2:
            self.changes.show_changes(self.details["before"], self.details["after"])
            if self.changes.apart:
                self._like_for_like()
            measured = [r for r in self.details["after"].measures if r.measured]
            chosen = self.toolbar.chosen()
            self.toolbar.set_measures(measured)
            self.toolbar.choose(chosen)
            self.wipe_caption.setText(
                f"Left of the line: {short_date(self.details['before'].taken_at)} · right: "
                f"{short_date(self.details['after'].taken_at)}. Faces lined up by the engine's "
                "face boxes."
            )
        if detail.photo is None:
            self.captions[name].setText(f"{self.captions[name].text()} · {detail.photo_problem}")
            return
        photo, serial = detail.photo, self.serial

        def shown(image: QImage) -> None:
            if serial == self.serial:
                self._photo(name, detail, image)

        self.ctx.runner.work(lambda: photo_image(photo), shown)

    def _like_for_like(self) -> None:
        """The measures the stored analyses read from different skin, read again from both photos
        on the skin both showed (seconds, off the UI thread; a newer pair drops the answer)."""
        serial, session = self.serial, self.ctx.session
        before, after = self.details["before"].analysis_id, self.details["after"].analysis_id
        self.like_status.setText(
            "Some measures were read from different parts of the face: reading both photos "
            "again on the skin both show…"
        )
        self.like_status.setVisible(True)

        def done(found: LikeForLike) -> None:
            if serial == self.serial:
                self.changes.show_like_for_like(found)
                self.like_status.setText(f"{READ_AGAIN_NOTE} {found.note}".strip())

        def failed(exc: BaseException) -> None:
            if serial == self.serial:
                self.like_status.setText(f"Not read like for like: {message_for(exc)}")

        self.ctx.runner.work(
            lambda: self.ctx.services.like_for_like(session, before, after), done, failed
        )

    def _photo(self, name: str, detail: AnalysisDetail, image: QImage) -> None:
        self.images[name] = image
        self.frames[name] = FaceFrame.of(detail.result, (image.width(), image.height()))
        self.views[name].set_photo(image)
        if name == "after":
            self.wipe.set_photo(image)
        if "before" in self.images and "after" in self.images:
            onto = transform_between(self.frames["before"], self.frames["after"])
            self.wipe.set_before(self.images["before"], onto)
            self.wipe.set_position(self.slider.value() / 1000)
            self.show_overlay(self.toolbar.chosen())

    # -- zoom and pan in step ------------------------------------------------------------------
    def _follower(self, source: str) -> Callable[[float, QPointF], None]:
        target = "after" if source == "before" else "before"

        def follow(zoom: float, centre: QPointF) -> None:
            if self._syncing or source not in self.frames or target not in self.frames:
                return
            self._syncing = True
            try:
                a, b = self.frames[source], self.frames[target]
                other = self.views[target]
                other.set_view(
                    zoom_between(zoom, a, b, self.views[source].fit_scale(), other.fit_scale()),
                    point_between(centre, a, b),
                    announce=False,
                )
            finally:
                self._syncing = False

        return follow

    def _zoom(self, factor: float) -> None:
        if self.photos.currentIndex() == 0:
            self.views["after"].zoom_by(factor)
        else:
            self.wipe.zoom_by(factor)

    def _fit(self) -> None:
        self.views["after"].fit()
        self.wipe.fit()

    def _mode(self, side_by_side: bool) -> None:
        """Switch views, keeping the after photo's zoom and centre (the wipe shows the after)."""
        after = self.views["after"]
        source, target = (self.wipe, after) if side_by_side else (after, self.wipe)
        self.photos.setCurrentIndex(0 if side_by_side else 1)
        if source.has_photo() and target.has_photo():
            zoom = source.zoom * source.fit_scale() / target.fit_scale()
            target.set_view(zoom, source.centre())

    # -- heat maps -----------------------------------------------------------------------------
    def show_overlay(self, measure: str) -> None:
        self.overlay_serial += 1
        serial, session = self.overlay_serial, self.ctx.session
        if not measure or len(self.images) < 2:
            for view in self.views.values():
                view.set_overlay(None)
            self.wipe.set_overlay(None)
            self.wipe.set_before_overlay(None)
            self.toolbar.status.clear()
            return
        self.toolbar.status.setText("Drawing the heat maps from both photos…")
        for name in SIDES:
            analysis_id = self.details[name].analysis_id

            def work(a: str = analysis_id) -> tuple[OverlayLayer, QImage]:
                layer = self.ctx.services.overlay_layer(session, a, measure)
                return layer, layer_image(layer)

            def done(result: tuple[OverlayLayer, QImage], name: str = name) -> None:
                if serial != self.overlay_serial:
                    return
                layer, image = result
                self.views[name].set_overlay(image)
                if name == "after":
                    self.wipe.set_overlay(image)
                else:
                    self.wipe.set_before_overlay(image)
                self.toolbar.status.setText(layer.note)

            self.ctx.runner.work(work, done, self._overlay_failed(serial))

    def _overlay_failed(self, serial: int) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            if serial == self.overlay_serial:
                self.toolbar.status.setText(message_for(exc))

        return show

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # back to the patient's record
            self.ctx.workspace.show_page("record")
            return
        super().keyPressEvent(event)

    def clear(self) -> None:
        self.serial += 1
        self.overlay_serial += 1
        self.patient_id = None
        self.like_status.setVisible(False)
        self.details, self.images, self.frames = {}, {}, {}
        for view in (*self.views.values(), self.wipe):
            view.set_photo(None)
        self.changes.setRowCount(0)
