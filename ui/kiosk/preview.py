"""The live preview: the camera picture (already scaled off the UI thread), the face outline to fit
into, one instruction, and the auto-capture countdown ring. Painting only; no image maths."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

GUIDE_CENTRE = (0.5, 0.42)
"""Where the face should be, as fractions of the camera frame (the demo face sits there too)."""
GUIDE_HALF_HEIGHT = 0.34
GUIDE_ASPECT = 0.74
INSTRUCTION_PAD = 80.0
"""The instruction box's width beyond its text: the coloured dot on the left, a margin right."""

COLOURS = {
    "idle": QColor(255, 255, 255, 220),
    "adjust": QColor(246, 189, 96),
    "good": QColor(86, 196, 140),
}


class PreviewWidget(QWidget):
    resized = Signal(QSize)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self._image: QImage | None = None
        self._frame_size = QSize(1280, 720)
        self._state = "idle"
        self._instruction = ""
        self._layout: tuple[tuple[str, int, int], tuple[QFont, QRectF, QRectF]] | None = None
        self._progress = 0.0
        self._new_frame = False
        self.frames_shown = 0
        self.dimmed = False

    # -- state ---------------------------------------------------------------------------------
    def set_frame(self, image: QImage, frame_size: QSize) -> None:
        self._image = image
        self._frame_size = frame_size
        self._new_frame = True
        self.update()

    def set_guidance(self, state: str, instruction: str, progress: float = 0.0) -> None:
        self._state = state if state in COLOURS else "idle"
        self._instruction = instruction
        self._progress = max(0.0, min(1.0, progress))
        self.update()

    def clear(self) -> None:
        self._image = None
        self._instruction = ""
        self._progress = 0.0
        self._state = "idle"
        self.frames_shown = 0
        self.update()

    def has_picture(self) -> bool:
        return self._image is not None

    def instruction(self) -> str:
        return self._instruction

    def resizeEvent(self, event: object) -> None:
        self.resized.emit(self.size())

    # -- painting ------------------------------------------------------------------------------
    def _placement(self) -> tuple[float, float, float]:
        """Scale and offset from camera-frame pixels to widget pixels (the picture is centred)."""
        if self._image is None:
            scale = max(self.width() / 1280, self.height() / 720)
            return scale, (self.width() - 1280 * scale) / 2, (self.height() - 720 * scale) / 2
        scale = self._image.width() / max(1, self._frame_size.width())
        return (
            scale,
            (self.width() - self._image.width()) / 2,
            (self.height() - self._image.height()) / 2,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(28, 33, 38))
        scale, dx, dy = self._placement()
        if self._image is not None:
            painter.drawImage(QPointF(dx, dy), self._image)
            if self._new_frame:
                self.frames_shown += 1
                self._new_frame = False
        frame_w, frame_h = self._frame_size.width(), self._frame_size.height()
        centre = QPointF(
            dx + GUIDE_CENTRE[0] * frame_w * scale, dy + GUIDE_CENTRE[1] * frame_h * scale
        )
        half_h = GUIDE_HALF_HEIGHT * frame_h * scale
        oval = QRectF(
            centre.x() - half_h * GUIDE_ASPECT,
            centre.y() - half_h,
            2 * half_h * GUIDE_ASPECT,
            2 * half_h,
        )
        if self.dimmed:
            self._paint_problem(painter)
            painter.end()
            return
        self._paint_veil(painter, oval)
        colour = COLOURS[self._state]
        painter.setPen(
            QPen(
                colour, 6, Qt.PenStyle.SolidLine if self._state != "idle" else Qt.PenStyle.DashLine
            )
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(oval)
        if self._progress > 0:
            self._paint_ring(painter, oval, colour)
        if self._instruction:
            self._paint_instruction(painter, colour)
        painter.end()

    def _paint_problem(self, painter: QPainter) -> None:
        """No usable picture: say why in the middle of where the picture would be."""
        painter.fillRect(self.rect(), QColor(12, 16, 20, 215))
        font = QFont(self.font())
        font.setPixelSize(max(24, min(36, self.height() // 20)))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor(246, 189, 96))
        box = QRectF(self.rect()).adjusted(60, 60, -60, -60)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(box, int(flags), self._instruction)

    def _paint_veil(self, painter: QPainter, oval: QRectF) -> None:
        """Darken everything outside the outline so the eye goes to where the face belongs."""
        veil = QPainterPath()
        veil.addRect(QRectF(self.rect()))
        hole = QPainterPath()
        hole.addEllipse(oval)
        painter.fillPath(veil.subtracted(hole), QColor(12, 16, 20, 200 if self.dimmed else 110))

    def _paint_ring(self, painter: QPainter, oval: QRectF, colour: QColor) -> None:
        ring = oval.adjusted(-18, -18, 18, 18)
        painter.setPen(
            QPen(QColor(255, 255, 255, 90), 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        painter.drawEllipse(ring)
        painter.setPen(QPen(colour, 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawArc(ring, 90 * 16, -round(360 * 16 * self._progress))

    def instruction_layout(self) -> tuple[QFont, QRectF, QRectF]:
        """The font, the rounded box and the text's rectangle for the instruction: the largest size
        from 44 px down to 20 px at which it fits on one line, else wrapped at 20 px in a taller box,
        so a long instruction is never cut off. Kept until the text or the size changes: the
        preview repaints with every camera frame."""
        key = (self._instruction, self.width(), self.height())
        if self._layout is not None and self._layout[0] == key:
            return self._layout[1]
        self._layout = (key, self._fit_instruction())
        return self._layout[1]

    def _fit_instruction(self) -> tuple[QFont, QRectF, QRectF]:
        flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        room = max(120.0, self.width() - 60.0 - INSTRUCTION_PAD)
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        size = max(26, min(44, self.height() // 18))
        while True:
            font.setPixelSize(size)
            metrics = QFontMetricsF(font)
            if metrics.horizontalAdvance(self._instruction) <= room or size <= 20:
                break
            size = max(20, size - 2)
        text = metrics.boundingRect(QRectF(0, 0, room, 10_000), flags, self._instruction)
        width = text.width() + INSTRUCTION_PAD
        height = text.height() + 36
        box = QRectF((self.width() - width) / 2, self.height() - height - 36, width, height)
        return font, box, box.adjusted(50, 0, -(INSTRUCTION_PAD - 50), 0)

    def _paint_instruction(self, painter: QPainter, colour: QColor) -> None:
        font, box, text = self.instruction_layout()
        painter.setFont(font)
        radius = min(box.height() / 2, 34.0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(20, 26, 31, 215))
        painter.drawRoundedRect(box, radius, radius)
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(box.left() + 34, box.center().y()), 9, 9)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(
            text, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._instruction
        )
