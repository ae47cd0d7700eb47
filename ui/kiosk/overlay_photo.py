"""The captured photo with one measure's heat map drawn over it, chosen with a row of chips."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.kiosk.ports import AnalysisView
from ui.widgets.images import rgb_image, rgba_image


class PhotoCanvas(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photo")
        self.photo: QImage | None = None
        self.layer: QImage | None = None
        self.setMinimumSize(320, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self.photo is None:
            painter.end()
            return
        # Crop the photo to the widget's shape around its centre, with rounded corners.
        scale = max(self.width() / self.photo.width(), self.height() / self.photo.height())
        src_w, src_h = self.width() / scale, self.height() / scale
        source = QRectF(
            (self.photo.width() - src_w) / 2, (self.photo.height() - src_h) / 2, src_w, src_h
        )
        target = QRectF(self.rect())
        clip = QPainterPath()
        clip.addRoundedRect(target, 18, 18)
        painter.setClipPath(clip)
        painter.fillRect(target, QColor(28, 33, 38))
        painter.drawImage(target, self.photo, source)
        if self.layer is not None:
            painter.drawImage(target, self.layer, source)
        painter.end()


class OverlayPhoto(QWidget):
    """Photo plus chips: one measure's heat map at a time; touch it again for the bare photo."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.canvas = PhotoCanvas()
        layout.addWidget(self.canvas, 1)
        self.chips = QGridLayout()
        self.chips.setSpacing(8)
        layout.addLayout(self.chips)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)  # touching the chosen measure again shows the bare photo
        self._layers: dict[str, QImage] = {}
        self._chips: dict[str, QPushButton] = {}
        self._shown: list[QPushButton] = []
        """The chips of the analysis on screen, in its order; the others are hidden."""
        self.current = ""

    def show_view(self, view: AnalysisView, *, initial: str = "") -> None:
        self.clear()
        self.canvas.photo = rgb_image(view.photo)
        self._layers = {name: rgba_image(layer) for name, layer in view.overlays.items()}
        self._shown = [
            self._chip(item.key, item.label)
            for item in view.result.measures
            if item.key in self._layers
        ]
        self._arrange()
        for chip in self._shown:
            chip.setVisible(True)
        self.select(initial if initial in self._layers else "")

    def _chip(self, name: str, text: str) -> QPushButton:
        """The chip of measure ``name``, made once and kept: a new styled button for every
        analysis cost the results screen a few ms of polishing on the UI thread."""
        if (kept := self._chips.get(name)) is not None:
            kept.setText(text)
            return kept
        chip = QPushButton(text)
        chip.setObjectName("chip")
        chip.setCheckable(True)
        chip.setMinimumHeight(52)
        chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        chip.setProperty("metric", name)
        chip.clicked.connect(lambda _=False, n=name: self.select("" if n == self.current else n))
        self.group.addButton(chip)
        self._chips[name] = chip
        return chip

    def _arrange(self) -> None:
        """As many chip columns as fit: four on a wide screen, three on a 1280 px one."""
        columns = max(3, min(5, self.width() // 128))
        for index, chip in enumerate(self._shown):
            self.chips.addWidget(chip, index // columns, index % columns)

    def resizeEvent(self, event: object) -> None:
        self._arrange()

    def select(self, name: str) -> None:
        self.current = name
        self.canvas.layer = self._layers.get(name)
        for chip in self.group.buttons():
            chip.setChecked(chip.property("metric") == name)
        self.canvas.update()
        self.changed.emit(name)

    def clear(self) -> None:
        for chip in self.group.buttons():
            chip.setVisible(False)
            chip.setChecked(False)
        self._shown = []
        self._layers = {}
        self.canvas.photo = None
        self.canvas.layer = None
        self.current = ""
        self.canvas.update()
