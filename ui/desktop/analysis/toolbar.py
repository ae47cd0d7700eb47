"""Above a photo: which measure's heat map to lay over it, and zoom buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QSizePolicy, QWidget

from ui.desktop.ports import MeasureReading
from ui.widgets.basics import label

NO_OVERLAY = "No heat map"


class PhotoToolbar(QWidget):
    overlay_chosen = Signal(str)  # measure key, "" for none
    zoom_in = Signal()
    zoom_out = Signal()
    fit = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.overlay = QComboBox()
        self.overlay.setMinimumWidth(150)
        self.status = label("", "muted")
        # Long messages must never widen the window: the label takes what room is left.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        buttons = []
        for text, tip, signal in (
            ("\u2212", "Zoom out (Ctrl+-)", self.zoom_out),
            ("Fit", "Whole photo (Ctrl+0)", self.fit),
            ("+", "Zoom in (Ctrl++)", self.zoom_in),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setFixedWidth(38 if len(text) == 1 else 50)
            button.clicked.connect(signal.emit)
            buttons.append(button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("Heat map", "muted"))
        layout.addWidget(self.overlay)
        layout.addWidget(self.status, 1)
        for button in buttons:
            layout.addWidget(button)
        self.overlay.currentIndexChanged.connect(
            lambda _i: self.overlay_chosen.emit(str(self.overlay.currentData() or ""))
        )

    def set_measures(self, readings: Sequence[MeasureReading]) -> None:
        """Offer the measures that were measured (a declined one has no heat map)."""
        self.overlay.blockSignals(True)
        self.overlay.clear()
        self.overlay.addItem(NO_OVERLAY, "")
        for reading in readings:
            if reading.measured:
                self.overlay.addItem(reading.label, reading.key)
        self.overlay.blockSignals(False)

    def choose(self, key: str) -> None:
        index = self.overlay.findData(key)
        if index >= 0:
            self.overlay.setCurrentIndex(index)

    def chosen(self) -> str:
        return str(self.overlay.currentData() or "")
