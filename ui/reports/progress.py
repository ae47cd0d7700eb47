"""Render a :class:`ProgressData` to an A4 PDF: the period's first and last photos side by side,
each measure's change marked better or worse and whether it is larger than a retake of the same
face would give, then a trend chart per measure over every visit of the period.

Built from the visit report's pieces (:class:`Sheet`, :class:`Ink`, the footer, section titles,
the score ring) and the shared trend painter (:mod:`ui.charts.trend`); in memory, like the visit
report, so saving is one atomic write by the caller.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QImage, QPdfWriter

from core import vocabulary as vocab
from ui.charts.trend import TrendPoint, TrendStyle, paint_trend
from ui.reports import not_compared
from ui.reports.charts import score_ring
from ui.reports.chrome import RIGHT, footer, header_band, section_title
from ui.reports.errors import ReportError
from ui.reports.layout import Ink, Sheet, tone_ink
from ui.reports.pdf import paint_a4
from ui.reports.progress_model import MeasureProgress, ProgressData, ProgressPhoto
from ui.widgets.dates import month_year
from ui.widgets.images import decoded_image

CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def period_text(data: ProgressData) -> str:
    count = len(data.visits)
    return (
        f"{data.since:%d %b %Y} \u2013 {data.until:%d %b %Y}  \u00b7  "
        f"{count} visit{'s' if count != 1 else ''}"
    )


def verdict(change: MeasureProgress) -> str:
    if change.not_comparable:
        return "not compared: different skin"
    if change.better is None:
        words = "within retest noise"
    else:
        words = "better: real change" if change.better else "worse: real change"
    return f"{words} {not_compared.READ_AGAIN_MARK}" if change.like_for_like else words


def _header(sheet: Sheet, data: ProgressData, logo: QImage | None) -> float:
    return header_band(
        sheet,
        logo=logo,
        clinic=data.clinic_name,
        title="Progress report",
        right=(period_text(data), f"Prepared for {data.patient_name}"),
        right_width=240,
    )


def _photo_card(sheet: Sheet, rect: QRectF, title: str, photo: ProgressPhoto | None) -> None:
    sheet.card(rect)
    inner = rect.adjusted(12, 12, -12, -12)
    sheet.text(
        QRectF(inner.x(), inner.y(), inner.width(), 12),
        title.upper(),
        size=7,
        colour=Ink.MUTED,
        weight=QFont.Weight.Bold,
        wrap=False,
        spacing=0.8,
    )
    if photo is None:
        return
    sheet.text(
        QRectF(inner.x(), inner.y(), inner.width(), 12),
        f"{photo.when:%d %b %Y}",
        size=8,
        colour=Ink.TEXT,
        align=RIGHT,
        wrap=False,
    )
    picture = QRectF(inner.x(), inner.y() + 18, inner.width(), inner.height() - 124)
    image = decoded_image(photo.jpeg) or QImage()
    if image.isNull():
        sheet.card(picture, fill=Ink.TRACK, border=None)
        sheet.text(picture, "Photo not on this device", size=8, colour=Ink.MUTED, align=CENTRE)
    else:
        sheet.photo(picture, image)
    band = vocab.score_band(photo.score)
    score_ring(
        sheet, QPointF(inner.x() + 46, inner.bottom() - 48), 44, photo.score, tone_ink(band.tone)
    )
    sheet.text(
        QRectF(inner.x() + 104, inner.bottom() - 62, inner.width() - 104, 18),
        band.label,
        size=12,
        colour=tone_ink(band.tone),
        weight=QFont.Weight.Bold,
        wrap=False,
    )
    sheet.text(
        QRectF(inner.x() + 104, inner.bottom() - 40, inner.width() - 104, 12),
        vocab.SKIN_SCORE_LABEL,
        size=7.5,
        colour=Ink.MUTED,
        wrap=False,
    )


def _changes(sheet: Sheet, y: float, changes: tuple[MeasureProgress, ...]) -> float:
    x = sheet.margin
    widths = (150.0, 50.0, 50.0, 55.0, 70.0, sheet.content_width - 375.0)
    heads = ("Measure", "First", "Last", "Change", "Retest \u00b1", "")
    column = x
    for width, head in zip(widths, heads, strict=True):
        sheet.text(
            QRectF(column, y, width, 12),
            head.upper(),
            size=6.8,
            colour=Ink.MUTED,
            weight=QFont.Weight.Bold,
            wrap=False,
        )
        column += width
    y += 16
    for change in changes:
        sheet.rule(y - 3)
        colour = (
            Ink.FAINT if change.better is None else (Ink.GOOD if change.better else Ink.CONCERN)
        )
        cells = (
            change.label,
            f"{change.first:.0f}",
            f"{change.last:.0f}",
            vocab.signed(change.delta),
            f"\u00b1{change.spread:.0f}",
            verdict(change),
        )
        column = x
        for i, (width, text) in enumerate(zip(widths, cells, strict=True)):
            sheet.text(
                QRectF(column, y, width, 14),
                text,
                size=8.5,
                colour=colour if i in (3, 5) else Ink.TEXT if i < 3 else Ink.MUTED,
                weight=QFont.Weight.DemiBold if i == 5 and change.real else QFont.Weight.Normal,
                wrap=False,
            )
            column += width
        y += 17
    missing = ((c.label, c.not_comparable) for c in changes if c.not_comparable)
    read = ((c.label, c.like_for_like) for c in changes if c.like_for_like)
    return not_compared.draw(sheet, y + 4, missing, size=7.8, read_again=read)


def _page_one(sheet: Sheet, data: ProgressData, logo: QImage | None) -> None:
    y = _header(sheet, data, logo) + 20
    y = section_title(sheet, y, "Before and after", "the first and last photo of the period")
    half = (sheet.content_width - 14) / 2
    for i, (title, photo) in enumerate((("First visit", data.before), ("Last visit", data.after))):
        _photo_card(sheet, QRectF(sheet.margin + i * (half + 14), y, half, 350), title, photo)
    y += 368
    y = section_title(
        sheet,
        y,
        "What changed",
        "a change larger than a retake of the same face would give is a real change",
    )
    if data.changes:
        _changes(sheet, y, data.changes)
    else:
        sheet.text(
            QRectF(sheet.margin, y, sheet.content_width, 14),
            "One visit in this period: nothing to compare yet.",
            size=9,
            colour=Ink.MUTED,
        )
    footer(sheet, 1, f"{data.clinic_name}  \u00b7  progress report  \u00b7  {data.disclaimer}")


def _trend_style(sheet: Sheet) -> TrendStyle:
    return TrendStyle(
        line=Ink.ACCENT,
        grid=Ink.LINE,
        text=Ink.TEXT,
        muted=Ink.MUTED,
        title_font=sheet.font(9, weight=QFont.Weight.DemiBold),
        small_font=sheet.font(6.8),
        date_text=month_year,
    )


def _page_two(sheet: Sheet, data: ProgressData) -> None:
    y = 30.0
    y = section_title(sheet, y, "Trends", "every visit of the period, at its true date")
    style = _trend_style(sheet)
    series = [(vocab.SKIN_SCORE, vocab.SKIN_SCORE_LABEL), *data.labels.items()]
    columns, gap = 2, 14.0
    width = (sheet.content_width - gap) / columns
    rows = (len(series) + columns - 1) // columns
    gap_y = 16.0
    height = min(120.0, (sheet.height - y - 56 - (rows - 1) * gap_y) / max(1, rows))
    for i, (key, title) in enumerate(series):
        box = QRectF(
            sheet.margin + (i % columns) * (width + gap),
            y + 6 + (i // columns) * (height + gap_y),
            width,
            height,
        )
        sheet.card(box.adjusted(-4, -4, 4, 4), border=Ink.LINE, radius=6)
        points = [
            TrendPoint(v.when, level)
            for v in data.visits
            if (level := v.score if key == vocab.SKIN_SCORE else v.levels.get(key)) is not None
        ]
        estimate = key != vocab.SKIN_SCORE and vocab.measure(key).estimate
        paint_trend(
            sheet.painter,
            box,
            points,
            title=title,
            caption="visual estimate" if estimate else f"{len(points)} visits",
            style=style,
            empty="Not measured in this period",
        )
    footer(sheet, 2, f"{data.clinic_name}  \u00b7  progress report  \u00b7  {data.patient_name}")


def render_progress_pdf(data: ProgressData) -> bytes:
    """The progress report as PDF bytes (two pages). Call from any thread once a QApplication
    exists (only QImage and QPdfWriter are used)."""
    if not data.visits:
        raise ReportError(
            "There are no visits in this period: choose other dates.", code="empty_period"
        )

    def draw(writer: QPdfWriter, sheet: Sheet) -> None:
        logo = QImage(str(data.logo_path)) if data.logo_path else None
        _page_one(sheet, data, logo if logo is not None and not logo.isNull() else None)
        writer.newPage()
        _page_two(sheet, data)

    return paint_a4(f"Progress report - {data.clinic_name}", draw)
