"""Charts on the page: the score ring and radar (shared with the kiosk, :mod:`ui.charts`), level
bars, the Monk tone strip and the colour swatch."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen

from core.vocabulary import MONK_HEX, goodness, measure, shown_score
from ui.charts.radar import RadarStyle, paint_radar
from ui.charts.ring import RingStyle, paint_score_ring
from ui.reports.layout import Ink, Sheet
from ui.reports.not_compared import READ_AGAIN_MARK


def score_ring(sheet: Sheet, centre: QPointF, radius: float, score: float, colour: QColor) -> None:
    """The shared ring (:mod:`ui.charts.ring`) in points, with "out of 100" under the number."""
    style = RingStyle(
        track=Ink.TRACK,
        ink=Ink.TEXT,
        muted=Ink.MUTED,
        width=9,
        number_font=sheet.font(27, weight=QFont.Weight.Bold),
        caption_font=sheet.font(7.5),
    )
    box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    paint_score_ring(
        sheet.painter,
        box,
        score,
        colour=colour,
        number=str(shown_score(score)),
        caption="out of 100",
        style=style,
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


def previous_shape(
    metrics: Mapping[str, float], previous: Mapping[str, float | None] | None
) -> list[float] | None:
    """The last visit's "how good" per axis; an axis it lacks (or did not measure) takes today's."""
    if not previous:
        return None
    shape = []
    for name, now in metrics.items():
        before = previous.get(name)
        shape.append(goodness(name, float(now if before is None else before)))
    return shape


def radar(
    sheet: Sheet,
    rect: QRectF,
    metrics: Mapping[str, float],
    *,
    previous: Mapping[str, float] | None = None,
    read_again: Collection[str] = (),
) -> None:
    """The shared radar (:mod:`ui.charts.radar`): every measure as "how good", so a fuller shape
    is healthier-looking skin; the previous visit, when known, dashed underneath. The axes of
    ``read_again`` (both visits read like for like) are marked as their changes are."""
    names = list(metrics)
    style = RadarStyle(
        grid=Ink.LINE,
        grid_width=0.8,
        label=Ink.MUTED,
        label_font=sheet.font(6.8),
        accent=Ink.ACCENT,
        line_width=1.6,
        fill_alpha=60,
        previous=Ink.FAINT,
        previous_width=1.0,
        dot=1.8,
    )
    paint_radar(
        sheet.painter,
        rect,
        [
            f"{measure(n).label} {READ_AGAIN_MARK}" if n in read_again else measure(n).label
            for n in names
        ],
        [goodness(n, float(metrics[n])) for n in names],
        previous=previous_shape(metrics, previous),
        style=style,
    )


def monk_strip(sheet: Sheet, rect: QRectF, step: int) -> None:
    """The ten Monk scale swatches, the person's step raised and outlined."""
    p = sheet.painter
    cell = rect.width() / len(MONK_HEX)
    for i, colour in enumerate(MONK_HEX, start=1):
        box = QRectF(rect.x() + (i - 1) * cell, rect.y(), cell, rect.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colour))
        p.drawRect(box)
    if 1 <= step <= len(MONK_HEX):
        box = QRectF(
            rect.x() + (step - 1) * cell - 1.5, rect.y() - 2.5, cell + 3, rect.height() + 5
        )
        p.setBrush(QColor(MONK_HEX[step - 1]))
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
