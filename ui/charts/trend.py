"""A level (0-100) over time, painted with any QPainter: time on the x axis at true spacing, the
level on y with a light grid at 0/25/50/75/100, every visit a dot joined by a line, chosen dots
ringed, and dates under the axis at evenly spaced times (as many as fit, the ends at the first and
last visit). The one trend painter: the record screen's widget (:mod:`ui.widgets.trend_chart`,
pixels) and the progress report (:mod:`ui.reports.progress`, PDF points) both draw with it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CROWDED = 60
"""More dots than this are drawn smaller so that a long record stays readable."""


@dataclass(frozen=True)
class TrendPoint:
    when: datetime
    value: float
    key: str = ""
    """What the point stands for (an analysis id), for marking and hovering."""
    label: str = ""


@dataclass(frozen=True)
class TrendStyle:
    line: QColor
    grid: QColor
    text: QColor
    muted: QColor
    title_font: QFont
    small_font: QFont
    date_text: Callable[[datetime], str]
    line_width: float = 1.6
    grid_width: float = 0.6
    dot: float = 2.6
    title_height: float = 16.0
    axis_height: float = 12.0
    left: float = 20.0
    """Room for the level labels left of the plot."""
    right: float = 6.0
    gap: float = 4.0
    """Between the title and the plot, and the plot and the dates."""
    level_labels: tuple[int, ...] = (0, 50, 100)


def _plot(box: QRectF, style: TrendStyle) -> QRectF:
    return QRectF(
        box.left() + style.left,
        box.top() + style.title_height + style.gap,
        max(1.0, box.width() - style.left - style.right),
        max(1.0, box.height() - style.title_height - style.axis_height - 2 * style.gap),
    )


def _place(plot: QRectF, first: datetime, last: datetime, point: TrendPoint) -> QPointF:
    span = (last - first).total_seconds()
    share = 0.5 if span <= 0 else (point.when - first).total_seconds() / span
    level = max(0.0, min(100.0, point.value))
    return QPointF(plot.left() + share * plot.width(), plot.bottom() - level / 100 * plot.height())


def _grid(painter: QPainter, box: QRectF, plot: QRectF, style: TrendStyle) -> None:
    for level in (0, 25, 50, 75, 100):
        y = plot.bottom() - level / 100 * plot.height()
        painter.setPen(QPen(style.grid, style.grid_width))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        if level in style.level_labels:
            painter.setPen(style.muted)
            height = style.axis_height
            painter.drawText(
                QRectF(box.left(), y - height / 2, style.left - 6, height), ALIGN_RIGHT, str(level)
            )


def _dates(
    painter: QPainter, plot: QRectF, first: datetime, last: datetime, style: TrendStyle
) -> None:
    painter.setPen(style.muted)
    width = painter.fontMetrics().horizontalAdvance(style.date_text(last)) + 12
    slots = 0 if last == first else max(1, min(6, int(plot.width() // (width * 1.5))))
    top = plot.bottom() + style.gap
    for i in range(slots + 1):
        moment = first + (last - first) * (i / slots) if slots else first
        x = plot.left() + (plot.width() * i / slots if slots else plot.width() / 2)
        if slots and i == 0:
            box, align = QRectF(x, top, width, style.axis_height), Qt.AlignmentFlag.AlignLeft
        elif slots and i == slots:
            box, align = (
                QRectF(x - width, top, width, style.axis_height),
                Qt.AlignmentFlag.AlignRight,
            )
        else:
            box = QRectF(x - width / 2, top, width, style.axis_height)
            align = Qt.AlignmentFlag.AlignHCenter
        painter.drawText(box, align | Qt.AlignmentFlag.AlignTop, style.date_text(moment))


def paint_trend(
    painter: QPainter,
    box: QRectF,
    points: Sequence[TrendPoint],
    *,
    title: str,
    caption: str,
    style: TrendStyle,
    marked: Collection[str] = (),
    empty: str = "No analyses yet",
) -> list[tuple[QPointF, TrendPoint]]:
    """Paint ``points`` (any order) in ``box``; return where each dot went, for hovering. Points
    whose key is in ``marked`` are ringed; no points at all says ``empty`` in the plot."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    head = QRectF(box.left() + style.left, box.top(), box.width() - style.left, style.title_height)
    painter.setFont(style.title_font)
    painter.setPen(style.text)
    painter.drawText(head, ALIGN_LEFT, title)
    painter.setFont(style.small_font)
    painter.setPen(style.muted)
    painter.drawText(head.adjusted(0, 0, -style.right, 0), ALIGN_RIGHT, caption)
    plot = _plot(box, style)
    _grid(painter, box, plot, style)
    ordered = sorted(points, key=lambda p: p.when)
    if not ordered:
        painter.setPen(style.muted)
        painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, empty)
        painter.restore()
        return []
    first, last = ordered[0].when, ordered[-1].when
    dots = [(_place(plot, first, last, p), p) for p in ordered]
    path = QPainterPath(dots[0][0])
    for where, _ in dots[1:]:
        path.lineTo(where)
    painter.setPen(QPen(style.line, style.line_width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.setBrush(style.line)
    size = style.dot if len(dots) <= CROWDED else style.dot * 0.6
    for where, point in dots:
        if point.key and point.key in marked:
            painter.setPen(QPen(style.text, style.line_width))
            painter.drawEllipse(where, size + 2.5, size + 2.5)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(where, size, size)
    _dates(painter, plot, first, last, style)
    painter.restore()
    return dots
