"""The score ring: a circle filled clockwise from the top in proportion to the score, the number
inside and a short caption under it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen


@dataclass(frozen=True)
class RingStyle:
    track: QColor
    ink: QColor
    muted: QColor
    width: float
    """Stroke width, in the painter's units."""
    number_font: QFont
    caption_font: QFont


def paint_score_ring(
    painter: QPainter,
    box: QRectF,
    score: float | None,
    *,
    colour: QColor,
    number: str,
    caption: str,
    style: RingStyle,
) -> None:
    """``box`` is the circle's bounding square; no score draws the empty track only."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(style.track, style.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    painter.drawEllipse(box)
    if score is not None:
        painter.setPen(QPen(colour, style.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        span = -round(360 * 16 * max(0.0, min(score, 100.0)) / 100.0)
        painter.drawArc(box, 90 * 16, span)
        side = box.height()
        centre_y = box.center().y()
        painter.setFont(style.number_font)
        painter.setPen(style.ink)
        painter.drawText(
            QRectF(box.x(), centre_y - side * 0.3, box.width(), side * 0.44),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
            number,
        )
        painter.setFont(style.caption_font)
        painter.setPen(style.muted)
        painter.drawText(
            QRectF(box.x(), centre_y + side * 0.14, box.width(), side * 0.2),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
            caption,
        )
    painter.restore()
