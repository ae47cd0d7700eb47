"""The record screen's trend chart: a widget around the one trend painter (:mod:`ui.charts.trend`)
with a tooltip per visit. Colours come from the style sheet (``qproperty-lineColor`` and friends),
so light and dark themes both work."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Property, QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.charts.trend import TrendPoint, TrendStyle, paint_trend
from ui.widgets.dates import month_year

__all__ = ["TrendChart", "TrendPoint", "colour", "colour_property"]

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

    def style_for_screen(self) -> TrendStyle:
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        bold = QFont(self.font())
        bold.setBold(True)
        text = colour(self, "text")
        return TrendStyle(
            line=colour(self, "line"),
            grid=colour(self, "grid"),
            text=text,
            muted=text,
            title_font=bold,
            small_font=small,
            date_text=month_year,
            line_width=2.0,
            grid_width=1.0,
            dot=3.5,
            title_height=26.0,
            axis_height=20.0,
            left=44.0,
            right=16.0,
            gap=6.0,
            level_labels=(0, 25, 50, 75, 100),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        box = QRectF(0, 4, self.width(), self.height() - 4)
        self._dots = paint_trend(
            painter,
            box,
            self.points,
            title=self.title,
            caption=self.caption,
            style=self.style_for_screen(),
            marked=self.marked,
        )
        painter.end()

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
