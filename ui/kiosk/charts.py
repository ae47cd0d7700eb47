"""Painted charts for the results: the score ring, a gauge per measure, and the radar chart.

QPainter rather than QtCharts: three small fixed shapes, identical offscreen and on screen, and no
chart objects to keep in sync with a stylesheet.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor("#1f2a30")
MUTED = QColor("#6b767e")
TRACK = QColor("#ece4dc")
ACCENT = QColor("#b0644a")


def _pen(colour: QColor, width: float) -> QPen:
    return QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


def goodness_colour(goodness: float) -> QColor:
    """Green when good, amber in the middle, coral when it needs care (never a harsh red)."""
    if goodness >= 70:
        return QColor("#3f9e74")
    if goodness >= 45:
        return QColor("#d99a2b")
    return QColor("#d0654f")


def score_band(score: float) -> str:
    for limit, name in ((90, "Excellent"), (80, "Great"), (70, "Good"), (50, "Fair")):
        if score >= limit:
            return name
    return "Needs care"


class ScoreRing(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score: float | None = None
        self.setMinimumSize(180, 180)

    def set_score(self, score: float | None) -> None:
        self.score = score
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(220, 220)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 20
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter.setPen(_pen(TRACK, 16))
        painter.drawEllipse(box)
        if self.score is not None:
            painter.setPen(_pen(goodness_colour(self.score), 16))
            painter.drawArc(box, 90 * 16, -round(360 * 16 * self.score / 100))
            font = QFont(self.font())
            font.setPixelSize(int(side * 0.32))
            font.setWeight(QFont.Weight.Bold)
            painter.setFont(font)
            painter.setPen(INK)
            painter.drawText(
                box.adjusted(0, -side * 0.1, 0, -side * 0.1),
                Qt.AlignmentFlag.AlignCenter,
                f"{self.score:.0f}",
            )
            font.setPixelSize(int(side * 0.1))
            font.setWeight(QFont.Weight.DemiBold)
            painter.setFont(font)
            painter.setPen(MUTED)
            painter.drawText(
                box.adjusted(0, side * 0.32, 0, 0),
                Qt.AlignmentFlag.AlignCenter,
                score_band(self.score),
            )
        painter.end()


class Gauge(QWidget):
    """A 240-degree arc with the level in the middle, coloured by how good it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = 0.0
        self.goodness = 100.0
        self.setFixedSize(96, 96)

    def set_value(self, level: float, *, goodness: float) -> None:
        self.level, self.goodness = level, goodness
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(8, 8, self.width() - 16, self.height() - 16)
        painter.setPen(_pen(TRACK, 9))
        painter.drawArc(box, 210 * 16, -240 * 16)
        painter.setPen(_pen(goodness_colour(self.goodness), 9))
        painter.drawArc(box, 210 * 16, -round(240 * 16 * max(0.0, min(100.0, self.level)) / 100))
        font = QFont(self.font())
        font.setPixelSize(28)
        font.setWeight(QFont.Weight.Bold)
        painter.setFont(font)
        painter.setPen(INK)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, f"{self.level:.0f}")
        painter.end()


class RadarChart(QWidget):
    """Every measure as "how good" (100 is best on every axis), today filled, last visit dashed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axes: list[str] = []
        self.values: list[float] = []
        self.previous: list[float] | None = None
        self.setMinimumSize(300, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, axes: list[str], values: list[float], previous: list[float] | None) -> None:
        self.axes, self.values, self.previous = axes, values, previous
        self.update()

    def _polygon(self, centre: QPointF, radius: float, values: list[float]) -> QPolygonF:
        count = len(values)
        return QPolygonF(
            [
                QPointF(
                    centre.x() + radius * v / 100 * math.sin(2 * math.pi * i / count),
                    centre.y() - radius * v / 100 * math.cos(2 * math.pi * i / count),
                )
                for i, v in enumerate(values)
            ]
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.axes:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(15)
        painter.setFont(font)
        radius = min(self.width() / 2 - 90, self.height() / 2 - 34)
        centre = QPointF(self.width() / 2, self.height() / 2)
        painter.setPen(QPen(TRACK, 1.5))
        for ring in (25, 50, 75, 100):
            painter.drawPolygon(self._polygon(centre, radius, [ring] * len(self.axes)))
        for i, name in enumerate(self.axes):
            angle = 2 * math.pi * i / len(self.axes)
            tip = QPointF(
                centre.x() + radius * math.sin(angle), centre.y() - radius * math.cos(angle)
            )
            painter.setPen(QPen(TRACK, 1.5))
            painter.drawLine(centre, tip)
            out = QPointF(
                centre.x() + (radius + 16) * math.sin(angle),
                centre.y() - (radius + 16) * math.cos(angle),
            )
            width = 150
            flags = Qt.AlignmentFlag.AlignVCenter
            if math.sin(angle) > 0.2:
                rect = QRectF(out.x(), out.y() - 12, width, 24)
                flags |= Qt.AlignmentFlag.AlignLeft
            elif math.sin(angle) < -0.2:
                rect = QRectF(out.x() - width, out.y() - 12, width, 24)
                flags |= Qt.AlignmentFlag.AlignRight
            else:
                rect = QRectF(
                    out.x() - width / 2, out.y() - (24 if math.cos(angle) > 0 else 0), width, 24
                )
                flags |= Qt.AlignmentFlag.AlignHCenter
            painter.setPen(MUTED)
            painter.drawText(rect, flags, name)
        if self.previous:
            painter.setPen(QPen(MUTED, 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolygon(self._polygon(centre, radius, self.previous))
        fill = QColor(ACCENT)
        fill.setAlpha(70)
        painter.setBrush(fill)
        painter.setPen(QPen(ACCENT, 3))
        painter.drawPolygon(self._polygon(centre, radius, self.values))
        painter.end()
