"""The attract screen: what the kiosk offers, in one sentence, and one big button to start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.kiosk.widgets import button, label


class AttractScreen(QWidget):
    start = Signal()
    admin = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attract")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(72, 48, 72, 48)
        top = QHBoxLayout()
        self.logo = QLabel()
        self.logo.setVisible(False)
        self.clinic = label("", "attractClinic", wrap=False)
        top.addWidget(self.logo)
        top.addWidget(self.clinic)
        top.addStretch(1)
        self.admin_button = button("⚙", "corner", height=56)
        self.admin_button.setFixedWidth(56)
        self.admin_button.setAccessibleName("Staff settings")
        top.addWidget(self.admin_button)
        outer.addLayout(top)
        outer.addStretch(2)
        self.title = label("See your skin clearly", "attractTitle")
        self.text = label(
            "A one-minute photo analysis of hydration, oiliness, pores, redness and more, "
            "with a routine made for you. Take the report home.",
            "attractText",
        )
        self.text.setMaximumWidth(900)
        outer.addWidget(self.title)
        outer.addWidget(self.text)
        outer.addSpacing(40)
        self.start_button = button("Touch to start", "hero", height=96)
        self.start_button.setMaximumWidth(460)
        outer.addWidget(self.start_button)
        outer.addSpacing(24)
        self.notice = label("", "attractText")
        self.notice.setObjectName("attractNotice")
        self.notice.setVisible(False)
        outer.addWidget(self.notice)
        outer.addStretch(3)
        self.footer = label(
            "Cosmetic guidance, not a medical diagnosis. Nothing is kept unless you agree.",
            "attractFooter",
        )
        outer.addWidget(self.footer)
        self.start_button.clicked.connect(self.start)
        self.admin_button.clicked.connect(self.admin)
        self.start.connect(self.hide_notice)

    def show_notice(self, text: str) -> None:
        """One short sentence after something went wrong; gone when the next visit starts."""
        self.notice.setText(text)
        self.notice.setVisible(True)

    def hide_notice(self) -> None:
        self.notice.setVisible(False)

    def set_clinic(self, name: str, logo: Path | None) -> None:
        self.clinic.setText(name)
        pixmap = QPixmap(str(logo)) if logo else QPixmap()
        if not pixmap.isNull():
            self.logo.setPixmap(
                pixmap.scaledToHeight(64, Qt.TransformationMode.SmoothTransformation)
            )
        self.logo.setVisible(not pixmap.isNull())

    def mousePressEvent(self, event: object) -> None:
        self.start.emit()  # a touch anywhere starts, like the big button

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gradient = QLinearGradient(0, 0, self.width(), self.height())
        gradient.setColorAt(0.0, QColor("#fbf6f1"))
        gradient.setColorAt(1.0, QColor("#efe2d8"))
        painter.fillRect(self.rect(), gradient)
        # A calm face outline on the right: the same shape the camera screen asks people to fit.
        h = self.height()
        centre = QPointF(self.width() * 0.78, h * 0.5)
        for i, alpha in enumerate((40, 70, 140)):
            radius = h * (0.34 - 0.05 * i)
            painter.setPen(QPen(QColor(176, 100, 74, alpha), 4 if i == 2 else 2))
            painter.drawEllipse(centre, radius * 0.74, radius)
        painter.end()
