"""Charts painted with QPainter: the score ring, level bars, the radar and the Monk tone strip."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF

from ui.reports.layout import Ink, Sheet
from ui.reports.wording import MONK_SWATCHES, concern, measure_name


def score_ring(sheet: Sheet, centre: QPointF, radius: float, score: float, colour: QColor) -> None:
    """A ring filled clockwise from the top in proportion to the score, the number inside."""
    p = sheet.painter
    rect = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(Ink.TRACK, 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    p.drawEllipse(rect)
    p.setPen(QPen(colour, 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    span = -round(360 * 16 * max(0.0, min(score, 100.0)) / 100.0)
    p.drawArc(rect, 90 * 16, span)
    number = QRectF(rect.x(), centre.y() - 22, rect.width(), 30)
    sheet.text(
        number,
        f"{score:.0f}",
        size=27,
        weight=QFont.Weight.Bold,
        align=Qt.AlignmentFlag.AlignCenter,
        wrap=False,
    )
    sheet.text(
        QRectF(rect.x(), centre.y() + 9, rect.width(), 12),
        "out of 100",
        size=7.5,
        colour=Ink.MUTED,
        align=Qt.AlignmentFlag.AlignHCenter,
        wrap=False,
    )


def level_bar(sheet: Sheet, rect: QRectF, level: float, colour: QColor) -> None:
    """A rounded track with the level filled in, and quarter ticks so bars can be compared."""
    p = sheet.painter
    radius = rect.height() / 2
    sheet.card(rect, fill=Ink.TRACK, border=None, radius=radius)
    filled = QRectF(
        rect.x(), rect.y(), max(rect.height(), rect.width() * level / 100.0), rect.height()
    )
    sheet.card(filled, fill=colour, border=None, radius=radius)
    p.setPen(QPen(QColor(255, 255, 255, 170), 0.8))
    for quarter in (0.25, 0.5, 0.75):
        x = rect.x() + rect.width() * quarter
        p.drawLine(QPointF(x, rect.y() + 1), QPointF(x, rect.bottom() - 1))


def _points(centre: QPointF, radius: float, values: Sequence[float]) -> list[QPointF]:
    n = len(values)
    points = []
    for i, value in enumerate(values):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, min(value, 100.0)) / 100.0
        points.append(QPointF(centre.x() + r * math.cos(angle), centre.y() + r * math.sin(angle)))
    return points


def _polygon(centre: QPointF, radius: float, values: Sequence[float]) -> QPolygonF:
    return QPolygonF(_points(centre, radius, values))


def radar(
    sheet: Sheet,
    rect: QRectF,
    metrics: Mapping[str, float],
    *,
    previous: Mapping[str, float] | None = None,
) -> None:
    """Every measure as "how good" (100 - concern), so a fuller shape is healthier-looking skin.

    The previous visit, when known, is a dashed outline underneath.
    """
    p = sheet.painter
    names = list(metrics)
    centre = rect.center()
    radius = min(rect.width(), rect.height()) / 2 - 30
    p.setBrush(Qt.BrushStyle.NoBrush)
    for ring in (25, 50, 75, 100):
        p.setPen(QPen(Ink.LINE, 0.8 if ring < 100 else 1.1))
        p.drawPolygon(_polygon(centre, radius, [ring] * len(names)))
    for i in range(len(names)):
        angle = -math.pi / 2 + 2 * math.pi * i / len(names)
        end = QPointF(centre.x() + radius * math.cos(angle), centre.y() + radius * math.sin(angle))
        p.setPen(QPen(Ink.LINE, 0.6))
        p.drawLine(centre, end)
        lx = centre.x() + (radius + 22) * math.cos(angle)
        ly = centre.y() + (radius + 12) * math.sin(angle)
        sheet.text(
            QRectF(lx - 36, ly - 6, 72, 12),
            measure_name(names[i]),
            size=6.8,
            colour=Ink.MUTED,
            align=Qt.AlignmentFlag.AlignCenter,
            wrap=False,
        )
    if previous:
        old = [100.0 - concern(n, float(previous.get(n, metrics[n]))) for n in names]
        p.setPen(QPen(Ink.FAINT, 1.0, Qt.PenStyle.DashLine))
        p.drawPolygon(_polygon(centre, radius, old))
    now = [100.0 - concern(n, float(metrics[n])) for n in names]
    points = _points(centre, radius, now)
    fill = QColor(Ink.ACCENT)
    fill.setAlpha(60)
    p.setBrush(QBrush(fill))
    p.setPen(QPen(Ink.ACCENT, 1.6))
    p.drawPolygon(QPolygonF(points))
    p.setBrush(Ink.ACCENT)
    for point in points:
        p.drawEllipse(point, 1.8, 1.8)
    p.setBrush(Qt.BrushStyle.NoBrush)


def monk_strip(sheet: Sheet, rect: QRectF, step: int) -> None:
    """The ten Monk scale swatches, the person's step raised and outlined."""
    p = sheet.painter
    cell = rect.width() / len(MONK_SWATCHES)
    for i, colour in enumerate(MONK_SWATCHES, start=1):
        box = QRectF(rect.x() + (i - 1) * cell, rect.y(), cell, rect.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colour))
        p.drawRect(box)
    if 1 <= step <= len(MONK_SWATCHES):
        box = QRectF(
            rect.x() + (step - 1) * cell - 1.5, rect.y() - 2.5, cell + 3, rect.height() + 5
        )
        p.setBrush(QColor(MONK_SWATCHES[step - 1]))
        p.setPen(QPen(Ink.TEXT, 1.2))
        p.drawRoundedRect(box, 1.5, 1.5)
    p.setBrush(Qt.BrushStyle.NoBrush)


def swatch(sheet: Sheet, centre: QPointF, radius: float, colour: QColor) -> None:
    path = QPainterPath()
    path.addEllipse(centre, radius, radius)
    sheet.painter.fillPath(path, colour)
    sheet.painter.setPen(QPen(Ink.LINE, 0.8))
    sheet.painter.drawPath(path)


def lab_colour(lab: Sequence[float]) -> QColor:
    """CIELAB (D65) to an sRGB colour, for the swatch of the measured skin colour."""
    lightness, a, b = (float(v) for v in lab[:3])
    fy = (lightness + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200

    def inverse(t: float) -> float:
        return t**3 if t**3 > 0.008856 else (t - 16 / 116) / 7.787

    x, y, z = 0.95047 * inverse(fx), 1.0 * inverse(fy), 1.08883 * inverse(fz)
    linear = (
        3.2406 * x - 1.5372 * y - 0.4986 * z,
        -0.9689 * x + 1.8758 * y + 0.0415 * z,
        0.0557 * x - 0.2040 * y + 1.0570 * z,
    )

    def encode(c: float) -> int:
        c = max(0.0, min(1.0, c))
        v = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
        return round(255 * v)

    return QColor(*(encode(c) for c in linear))
