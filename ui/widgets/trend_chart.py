"""A measure's level (0-100) over a patient's visits, painted with QPainter: time on the x axis at
true spacing, the level on y, every visit a dot, the chosen ones ringed. Colours come from the
style sheet (``qproperty-lineColor`` and friends), so light and dark themes both work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Property, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.widgets.dates import month_year

LEFT, RIGHT, TOP, BOTTOM = 44, 16, 34, 30
DOT = 3.5


@dataclass(frozen=True)
class TrendPoint:
    key: str
    when: datetime
    value: float
    label: str


DEFAULT_COLOURS = {
    "line": "#b0644a",
    "grid": "#e8e2dc",
    "text": "#5b6770",
    "band": "#f3e3dc",
    "better": "#2f7d4f",
    "worse": "#b3261e",
}


def colour_property(name: str) -> Property:
    """A colour the style sheet sets as ``qproperty-<name>Color``; read it with ``colour()``."""

    def get(self: QWidget) -> QColor:
        return QColor(self.property(f"_{name}") or DEFAULT_COLOURS[name])

    def set_(self: QWidget, colour: QColor) -> None:
        self.setProperty(f"_{name}", QColor(colour))
        self.update()

    return Property(QColor, get, set_)


def colour(widget: QWidget, name: str) -> QColor:
    return QColor(widget.property(f"_{name}") or DEFAULT_COLOURS[name])


class TrendChart(QWidget):
    lineColor = colour_property("line")
    gridColor = colour_property("grid")
    textColor = colour_property("text")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.title = ""
        self.caption = ""
        self.points: tuple[TrendPoint, ...] = ()
        self.marked: frozenset[str] = frozenset()
        self._dots: list[tuple[QPointF, TrendPoint]] = []

    def set_series(self, title: str, caption: str, points: Sequence[TrendPoint]) -> None:
        self.title = title
        self.caption = caption
        self.points = tuple(sorted(points, key=lambda p: p.when))
        self.update()

    def mark(self, keys: Sequence[str]) -> None:
        self.marked = frozenset(keys)
        self.update()

    def clear(self) -> None:
        self.set_series("", "", ())

    # -- geometry --------------------------------------------------------------------------------
    def _plot(self) -> QRectF:
        return QRectF(
            LEFT, TOP, max(1, self.width() - LEFT - RIGHT), max(1, self.height() - TOP - BOTTOM)
        )

    def _position(self, plot: QRectF, point: TrendPoint) -> QPointF:
        first, last = self.points[0].when, self.points[-1].when
        span = (last - first).total_seconds()
        share = 0.5 if span <= 0 else (point.when - first).total_seconds() / span
        x = plot.left() + share * plot.width()
        y = plot.bottom() - max(0.0, min(100.0, point.value)) / 100 * plot.height()
        return QPointF(x, y)

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self._plot()
        self._grid(painter, plot)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(colour(self, "text"))
        painter.drawText(QRectF(LEFT, 4, plot.width(), 22), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(small)
        painter.drawText(
            QRectF(LEFT, 6, plot.width(), 22), Qt.AlignmentFlag.AlignRight, self.caption
        )
        if not self.points:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No analyses yet")
            painter.end()
            return
        self._dots = [(self._position(plot, p), p) for p in self.points]
        path = QPainterPath(self._dots[0][0])
        for position, _ in self._dots[1:]:
            path.lineTo(position)
        painter.setPen(QPen(colour(self, "line"), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(colour(self, "line"))
        for position, point in self._dots:
            dot = DOT if len(self._dots) <= 60 else DOT * 0.6
            radius = dot + 2.5 if point.key in self.marked else dot
            if point.key in self.marked:
                painter.setPen(QPen(colour(self, "text"), 2))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(position, radius, radius)
        self._dates(painter, plot)
        painter.end()

    def _grid(self, painter: QPainter, plot: QRectF) -> None:
        painter.setPen(QPen(colour(self, "grid"), 1))
        for level in (0, 25, 50, 75, 100):
            y = plot.bottom() - level / 100 * plot.height()
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.save()
            painter.setPen(colour(self, "text"))
            painter.drawText(
                QRectF(0, y - 9, LEFT - 8, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(level),
            )
            painter.restore()

    def _dates(self, painter: QPainter, plot: QRectF) -> None:
        """Dates at evenly spaced times, as many as fit: the first and last visit at the ends."""
        painter.setPen(colour(self, "text"))
        first, last = self.points[0].when, self.points[-1].when
        width = painter.fontMetrics().horizontalAdvance("00 Mmm 0000") + 16
        slots = 0 if last == first else max(1, min(6, int(plot.width() // (width * 1.5))))
        for i in range(slots + 1):
            moment = first + (last - first) * (i / slots) if slots else first
            x = plot.left() + (plot.width() * i / slots if slots else plot.width() / 2)
            if slots and i == 0:
                box, align = QRectF(x, 0, width, 20), Qt.AlignmentFlag.AlignLeft
            elif slots and i == slots:
                box, align = QRectF(x - width, 0, width, 20), Qt.AlignmentFlag.AlignRight
            else:
                box, align = QRectF(x - width / 2, 0, width, 20), Qt.AlignmentFlag.AlignHCenter
            box.moveTop(plot.bottom() + 6)
            painter.drawText(box, align, month_year(moment))

    # -- hover -----------------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        where = event.position()
        near = min(
            self._dots,
            key=lambda d: (d[0].x() - where.x()) ** 2 + (d[0].y() - where.y()) ** 2,
            default=None,
        )
        if near is not None and abs(near[0].x() - where.x()) < 12:
            QToolTip.showText(
                event.globalPosition().toPoint(), f"{near[1].label}: {near[1].value:.0f}", self
            )
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)
