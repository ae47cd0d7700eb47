"""Analysing: the photo just taken, the stage being worked on, and a way to cancel.

The engine reports no percentage, so the bar is indeterminate and the stage names are the real steps
the kiosk service runs (checking, measuring, heat maps, comparing, saving), not an invented number.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from ui.kiosk.ports import RGB
from ui.kiosk.widgets import Header, button, card, label
from ui.widgets.images import rgb_image


class AnalysingScreen(QWidget):
    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Analysing")
        outer.addWidget(self.header)
        body = QHBoxLayout()
        body.setContentsMargins(64, 40, 64, 48)
        body.setSpacing(48)
        outer.addLayout(body, 1)
        self.photo = QLabel()
        self.photo.setObjectName("photo")
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setMinimumSize(320, 240)
        body.addWidget(self.photo, 3)
        frame, panel = card("card")
        panel.addStretch(1)
        panel.addWidget(label("Looking closely at your skin", "cardTitleLarge"))
        self.stage = label("", "stage")
        panel.addWidget(self.stage)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        panel.addWidget(self.bar)
        self.done = label("", "fine")
        panel.addWidget(self.done)
        panel.addStretch(2)
        self.cancel_button = button("Cancel and retake", "secondary")
        panel.addWidget(self.cancel_button)
        body.addWidget(frame, 2)
        self.cancel_button.clicked.connect(self.cancel)
        self._steps: list[str] = []
        self._pixmap = QPixmap()

    def begin(self, photo: RGB) -> None:
        self._steps = []
        self._pixmap = QPixmap.fromImage(rgb_image(photo))
        self._fit()
        self.stage.setText("Starting…")
        self.done.setText("")
        self.cancel_button.setEnabled(True)

    def show_stage(self, name: str) -> None:
        if self._steps:
            self.done.setText("Done: " + ", ".join(s.lower() for s in self._steps))
        self._steps.append(name)
        self.stage.setText(name + "…")

    def stages(self) -> list[str]:
        return list(self._steps)

    def _fit(self) -> None:
        if self._pixmap.isNull():
            self.photo.clear()
            return
        self.photo.setPixmap(
            self._pixmap.scaled(
                self.photo.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event: object) -> None:
        self._fit()

    def clear(self) -> None:
        self._pixmap = QPixmap()
        self.photo.clear()
        self.stage.setText("")
        self.done.setText("")
        self._steps = []
