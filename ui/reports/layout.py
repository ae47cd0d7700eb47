"""Drawing on a PDF page in points (1/72 inch): palette, fonts, wrapped text, cards and photos.

The painter is scaled so that every coordinate and font size below is in points, whatever the
writer's resolution; text is laid out at that high resolution, so spacing stays even when printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from core.vocabulary import Tone

FONT_FAMILIES: Final = ["Inter", "Segoe UI", "Helvetica Neue", "DejaVu Sans", "Arial"]


class Ink:
    """The desktop's calm clinical palette (resources/styles/desktop.qss), plus verdict colours."""

    ACCENT: Final = QColor("#b0644a")
    PAPER: Final = QColor("#f4f1ee")
    CARD: Final = QColor("#ffffff")
    TEXT: Final = QColor("#1f2a30")
    MUTED: Final = QColor("#5b6770")
    FAINT: Final = QColor("#8a949b")
    LINE: Final = QColor("#e3ddd7")
    TRACK: Final = QColor("#ece6e0")
    GOOD: Final = QColor("#4f8a68")
    FAIR: Final = QColor("#c08a2e")
    CONCERN: Final = QColor("#b0644a")
    SEVERE: Final = QColor("#9b2f2f")
    ALERT_BG: Final = QColor("#fbecea")
    ALERT_LINE: Final = QColor("#efc4bf")


def tone_ink(tone: Tone) -> QColor:
    """The colour of a vocabulary tone (``core.vocabulary.Tone``) on paper."""
    return {"good": Ink.GOOD, "fair": Ink.FAIR, "concern": Ink.CONCERN, "severe": Ink.SEVERE}[tone]


def fitting_list(labels: Sequence[str], fits: Callable[[str], bool], *, tail: str = "") -> str:
    """As many of ``labels`` as ``fits`` allows, then "and N more" for the rest, then ``tail``
    (kept whole: it is what the line is for); the first label is named even when nothing fits."""
    for shown in range(len(labels), 0, -1):
        rest = len(labels) - shown
        text = ", ".join(labels[:shown]) + (f" and {rest} more" if rest else "") + tail
        if shown == 1 or fits(text):
            return text
    return tail


class Sheet:
    """A painter on one PDF writer, in points; knows the page size and draws the common pieces."""

    def __init__(self, painter: QPainter, *, resolution: int, width: float, height: float) -> None:
        self.painter = painter
        self.resolution = resolution
        self.width = width
        self.height = height
        self.margin = 36.0

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin

    def font(
        self, size: float, *, weight: QFont.Weight = QFont.Weight.Normal, spacing: float = 0.0
    ) -> QFont:
        """A font whose ``size`` (and letter ``spacing``) is in points on the scaled page (Qt
        would scale point sizes twice)."""
        font = QFont()
        font.setFamilies(FONT_FAMILIES)
        font.setPointSizeF(size * 72.0 / self.resolution)
        font.setWeight(weight)
        if spacing:
            font.setLetterSpacing(
                QFont.SpacingType.AbsoluteSpacing, spacing * 72.0 / self.resolution
            )
        for tag in ("liga", "clig"):  # "fi" as one glyph would copy and search as "ﬁ"
            font.setFeature(QFont.Tag(tag), 0)
        return font

    def text(
        self,
        rect: QRectF,
        text: str,
        *,
        size: float = 9.0,
        colour: QColor = Ink.TEXT,
        weight: QFont.Weight = QFont.Weight.Normal,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
        wrap: bool = True,
        spacing: float = 0.0,
    ) -> float:
        """Draw ``text`` in ``rect``; return the height it took (so callers can stack blocks)."""
        font = self.font(size, weight=weight, spacing=spacing)
        flags = int(align) | (int(Qt.TextFlag.TextWordWrap) if wrap else 0)
        self.painter.setFont(font)
        self.painter.setPen(colour)
        used = self.painter.boundingRect(rect, flags, text)
        self.painter.drawText(rect, flags, text)
        return used.height()

    def measure(
        self,
        width: float,
        text: str,
        *,
        size: float = 9.0,
        weight: QFont.Weight = QFont.Weight.Normal,
    ) -> QRectF:
        """The box ``text`` needs when wrapped to ``width``."""
        self.painter.setFont(self.font(size, weight=weight))
        flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
        return self.painter.boundingRect(QRectF(0, 0, width, 10_000), flags, text)

    def fits(
        self,
        width: float,
        text: str,
        *,
        size: float = 9.0,
        weight: QFont.Weight = QFont.Weight.Normal,
    ) -> bool:
        """True when ``text`` fits ``width`` on one line."""
        return self.measure(100_000, text, size=size, weight=weight).width() <= width

    def elide(
        self,
        width: float,
        text: str,
        *,
        size: float = 9.0,
        weight: QFont.Weight = QFont.Weight.Normal,
        spacing: float = 0.0,
    ) -> str:
        """``text`` ending in "…" where it would pass ``width``: for a name, which has no
        shorter wording and no room for a second line."""
        font = self.font(size, weight=weight, spacing=spacing)
        metrics = QFontMetricsF(font, self.painter.device())
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)

    def card(
        self,
        rect: QRectF,
        *,
        fill: QColor = Ink.CARD,
        border: QColor | None = Ink.LINE,
        radius: float = 10.0,
    ) -> None:
        self.painter.setPen(QPen(border, 0.8) if border is not None else Qt.PenStyle.NoPen)
        self.painter.setBrush(fill)
        self.painter.drawRoundedRect(rect, radius, radius)
        self.painter.setBrush(Qt.BrushStyle.NoBrush)

    def rule(self, y: float, *, colour: QColor = Ink.LINE, width: float = 0.8) -> None:
        self.painter.setPen(QPen(colour, width))
        self.painter.drawLine(QPointF(self.margin, y), QPointF(self.width - self.margin, y))

    def chip(
        self,
        x: float,
        y: float,
        text: str,
        *,
        colour: QColor,
        filled: bool = False,
        size: float = 6.8,
    ) -> float:
        """A small rounded label (``ESTIMATE``, ``MODERATE``); returns its width."""
        box = self.measure(400, text, size=size, weight=QFont.Weight.Bold)
        rect = QRectF(x, y, box.width() + 10, box.height() + 2)
        fill = colour if filled else QColor(colour.red(), colour.green(), colour.blue(), 28)
        self.card(rect, fill=fill, border=colour, radius=rect.height() / 2)
        self.text(
            rect,
            text,
            size=size,
            colour=Ink.CARD if filled else colour,
            weight=QFont.Weight.Bold,
            align=Qt.AlignmentFlag.AlignCenter,
            wrap=False,
        )
        return rect.width()

    def photo(self, rect: QRectF, image: QImage, *, radius: float = 10.0) -> None:
        """Draw ``image`` filling ``rect`` (cropped to its shape, centred) with rounded corners."""
        scale = max(rect.width() / image.width(), rect.height() / image.height())
        src_w, src_h = rect.width() / scale, rect.height() / scale
        source = QRectF((image.width() - src_w) / 2, (image.height() - src_h) / 2, src_w, src_h)
        clip = QPainterPath()
        clip.addRoundedRect(rect, radius, radius)
        self.painter.save()
        self.painter.setClipPath(clip)
        self.painter.drawImage(rect, image, source)
        self.painter.restore()
        self.painter.setPen(QPen(Ink.LINE, 0.8))
        self.painter.drawRoundedRect(rect, radius, radius)

    def fit(self, rect: QRectF, image: QImage) -> None:
        """Draw ``image`` inside ``rect`` keeping its proportions (for logos)."""
        scale = min(rect.width() / image.width(), rect.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        self.painter.drawImage(QRectF(rect.x(), rect.y() + (rect.height() - h) / 2, w, h), image)
