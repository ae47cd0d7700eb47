"""The radar chart: every measure as "how good" (100 is best on every axis), so a fuller shape is
healthier-looking skin; the previous visit, when known, is a dashed outline underneath."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF


@dataclass(frozen=True)
class RadarStyle:
    grid: QColor
    grid_width: float
    label: QColor
    label_font: QFont
    accent: QColor
    line_width: float
    fill_alpha: int
    previous: QColor
    previous_width: float
    dot: float = 0.0
    """Radius of a dot on each of today's points (0: none)."""


def _points(centre: QPointF, radius: float, values: Sequence[float]) -> list[QPointF]:
    count = len(values)
    points = []
    for i, value in enumerate(values):
        angle = 2 * math.pi * i / count  # clockwise from the top
        r = radius * max(0.0, min(value, 100.0)) / 100.0
        points.append(QPointF(centre.x() + r * math.sin(angle), centre.y() - r * math.cos(angle)))
    return points


def _label_box(tip: QPointF, angle: float, width: float, height: float) -> tuple[QRectF, int]:
    """Labels on the right start at their axis, on the left end at it, at top and bottom centre."""
    flags = Qt.AlignmentFlag.AlignVCenter
    if math.sin(angle) > 0.2:
        return QRectF(tip.x(), tip.y() - height / 2, width, height), int(
            flags | Qt.AlignmentFlag.AlignLeft
        )
    if math.sin(angle) < -0.2:
        return QRectF(tip.x() - width, tip.y() - height / 2, width, height), int(
            flags | Qt.AlignmentFlag.AlignRight
        )
    top = tip.y() - (height if math.cos(angle) > 0 else 0)
    return QRectF(tip.x() - width / 2, top, width, height), int(
        flags | Qt.AlignmentFlag.AlignHCenter
    )


def _text_size(painter: QPainter, text: str) -> QRectF:
    """In the painter's own units (a PDF page's points too: the world transform is applied)."""
    return painter.boundingRect(QRectF(0, 0, 10_000, 1_000), int(Qt.AlignmentFlag.AlignLeft), text)


def paint_radar(
    painter: QPainter,
    rect: QRectF,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    previous: Sequence[float] | None,
    style: RadarStyle,
) -> None:
    """``values`` and ``previous`` are 0-100 "how good" per axis, in the order of ``labels``."""
    if not labels:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    centre = rect.center()
    painter.setFont(style.label_font)
    widest = max(_text_size(painter, name).width() for name in labels) + 4
    line_height = _text_size(painter, "Ag").height() * 1.2
    gap = line_height * 0.6
    radius = max(10.0, min(rect.width() / 2 - gap - widest, rect.height() / 2 - gap - line_height))
    count = len(labels)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for ring in (25, 50, 75, 100):
        painter.setPen(QPen(style.grid, style.grid_width * (1.3 if ring == 100 else 1.0)))
        painter.drawPolygon(QPolygonF(_points(centre, radius, [ring] * count)))
    for i, (name, tip) in enumerate(
        zip(labels, _points(centre, radius, [100] * count), strict=True)
    ):
        painter.setPen(QPen(style.grid, style.grid_width))
        painter.drawLine(centre, tip)
        angle = 2 * math.pi * i / count
        out = QPointF(
            centre.x() + (radius + gap) * math.sin(angle),
            centre.y() - (radius + gap) * math.cos(angle),
        )
        box, flags = _label_box(out, angle, widest, line_height)
        painter.setPen(style.label)
        painter.drawText(box, flags, name)
    if previous:
        painter.setPen(QPen(style.previous, style.previous_width, Qt.PenStyle.DashLine))
        painter.drawPolygon(QPolygonF(_points(centre, radius, previous)))
    points = _points(centre, radius, values)
    fill = QColor(style.accent)
    fill.setAlpha(style.fill_alpha)
    painter.setBrush(QBrush(fill))
    painter.setPen(QPen(style.accent, style.line_width))
    painter.drawPolygon(QPolygonF(points))
    if style.dot > 0:
        painter.setBrush(style.accent)
        for point in points:
            painter.drawEllipse(point, style.dot, style.dot)
    painter.restore()
