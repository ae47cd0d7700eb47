"""A level (0-100) over time: one dot per visit at its true date, joined by a line, with a light
grid at 0/25/50/75/100 and the first and last dates under the axis. Drawn with any QPainter, so
the same chart reads the same on screen (pixels) and on a PDF page (points)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen


@dataclass(frozen=True)
class TrendStyle:
    line: QColor
    grid: QColor
    text: QColor
    muted: QColor
    title_font: QFont
    small_font: QFont
    line_width: float = 1.6
    dot: float = 2.6
    title_height: float = 16.0
    axis_height: float = 12.0
    left: float = 20.0


def _place(plot: QRectF, first: datetime, last: datetime, when: datetime, value: float) -> QPointF:
    span = (last - first).total_seconds()
    share = 0.5 if span <= 0 else (when - first).total_seconds() / span
    level = max(0.0, min(100.0, value))
    return QPointF(plot.left() + share * plot.width(), plot.bottom() - level / 100 * plot.height())


def paint_trend(
    painter: QPainter,
    box: QRectF,
    points: Sequence[tuple[datetime, float]],
    *,
    title: str,
    caption: str,
    style: TrendStyle,
) -> None:
    """``points`` are (when, level) in any order; an empty series says so in the plot."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    head = QRectF(box.left(), box.top(), box.width(), style.title_height)
    painter.setFont(style.title_font)
    painter.setPen(style.text)
    painter.drawText(head, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
    painter.setFont(style.small_font)
    painter.setPen(style.muted)
    painter.drawText(
        head, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), caption
    )
    plot = QRectF(
        box.left() + style.left,
        head.bottom() + 4,
        max(1.0, box.width() - style.left - 6),
        max(1.0, box.height() - style.title_height - style.axis_height - 8),
    )
    painter.setPen(QPen(style.grid, 0.6))
    for level in (0, 25, 50, 75, 100):
        y = plot.bottom() - level / 100 * plot.height()
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        if level in (0, 50, 100):
            painter.setPen(style.muted)
            painter.drawText(
                QRectF(box.left(), y - 6, style.left - 4, 12),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                str(level),
            )
            painter.setPen(QPen(style.grid, 0.6))
    ordered = sorted(points, key=lambda p: p[0])
    if not ordered:
        painter.setPen(style.muted)
        painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), "Not measured in this period")
        painter.restore()
        return
    first, last = ordered[0][0], ordered[-1][0]
    dots = [_place(plot, first, last, when, value) for when, value in ordered]
    path = QPainterPath(dots[0])
    for dot in dots[1:]:
        path.lineTo(dot)
    painter.setPen(QPen(style.line, style.line_width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.line)
    for dot in dots:
        painter.drawEllipse(dot, style.dot, style.dot)
    painter.setPen(style.muted)
    axis = QRectF(plot.left(), plot.bottom() + 2, plot.width(), style.axis_height)
    painter.drawText(
        axis, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), f"{first:%d %b %Y}"
    )
    if last != first:
        painter.drawText(
            axis, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), f"{last:%d %b %Y}"
        )
    painter.restore()
