"""The results screen's charts: the score ring and the radar (painted by :mod:`ui.charts`, the
same painters as the report's), and a gauge per measure.

QPainter rather than QtCharts: small fixed shapes, identical offscreen and on screen, and no chart
objects to keep in sync with a stylesheet.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.vocabulary import Tone, shown_score
from ui.charts.radar import RadarStyle, paint_radar
from ui.charts.ring import RingStyle, paint_score_ring

INK = QColor("#1f2a30")
MUTED = QColor("#6b767e")
TRACK = QColor("#ece4dc")
ACCENT = QColor("#b0644a")
TONE_COLOURS: dict[Tone, QColor] = {
    "good": QColor("#3f9e74"),
    "fair": QColor("#d99a2b"),
    "concern": QColor("#d0654f"),
    "severe": QColor("#b4493a"),
}
"""Green when good, amber in the middle, coral and a deeper coral (never a harsh red)."""


def tone_colour(tone: Tone) -> QColor:
    return TONE_COLOURS[tone]


def _font(widget: QWidget, pixels: int, weight: QFont.Weight) -> QFont:
    font = QFont(widget.font())
    font.setPixelSize(max(1, pixels))
    font.setWeight(weight)
    return font


class ScoreRing(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score: float | None = None
        self.tone: Tone = "good"
        self.setMinimumSize(180, 180)

    def set_score(self, score: float | None, tone: Tone = "good") -> None:
        self.score, self.tone = score, tone
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(220, 220)

    def paintEvent(self, event: QPaintEvent) -> None:
        side = min(self.width(), self.height()) - 20
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        style = RingStyle(
            track=TRACK,
            ink=INK,
            muted=MUTED,
            width=16,
            number_font=_font(self, int(side * 0.32), QFont.Weight.Bold),
            caption_font=_font(self, int(side * 0.085), QFont.Weight.DemiBold),
        )
        painter = QPainter(self)
        paint_score_ring(
            painter,
            box,
            self.score,
            colour=tone_colour(self.tone),
            number="" if self.score is None else str(shown_score(self.score)),
            caption="out of 100",
            style=style,
        )
        painter.end()


class Gauge(QWidget):
    """A 240-degree arc with the level in the middle, coloured by its tone; a dash if not measured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level: float | None = None
        self.tone: Tone = "good"
        self.setFixedSize(96, 96)

    def set_value(self, level: float | None, *, tone: Tone = "good") -> None:
        self.level, self.tone = level, tone
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(8, 8, self.width() - 16, self.height() - 16)
        pen = QPen(TRACK, 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(box, 210 * 16, -240 * 16)
        if self.level is not None:
            pen.setColor(tone_colour(self.tone))
            painter.setPen(pen)
            share = max(0.0, min(100.0, self.level)) / 100
            painter.drawArc(box, 210 * 16, -round(240 * 16 * share))
        painter.setFont(_font(self, 28, QFont.Weight.Bold))
        painter.setPen(INK if self.level is not None else MUTED)
        text = "\u2013" if self.level is None else f"{self.level:.0f}"
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
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

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.axes:
            return
        style = RadarStyle(
            grid=TRACK,
            grid_width=1.5,
            label=MUTED,
            label_font=_font(self, 15, QFont.Weight.Normal),
            accent=ACCENT,
            line_width=3,
            fill_alpha=70,
            previous=MUTED,
            previous_width=2,
        )
        painter = QPainter(self)
        rect = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        paint_radar(painter, rect, self.axes, self.values, previous=self.previous, style=style)
        painter.end()
