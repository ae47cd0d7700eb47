"""What frames every page: the clinic header, the compact header of later pages, the footer."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QImage

from ui.reports.layout import Ink, Sheet
from ui.reports.model import ReportData

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop


def analysed_at(data: ReportData) -> datetime | None:
    """When the photo was analysed, in the clinic's local time (the engine stores UTC)."""
    when = data.analysed_at
    if when is None:
        try:
            when = datetime.fromisoformat(str(data.result.get("created_at", "")))
        except ValueError:
            return None
    return when.astimezone() if when.tzinfo is not None else when


def when_text(data: ReportData) -> str:
    when = analysed_at(data)
    return f"{when.day} {when:%B %Y, %H:%M}" if when else "Date not recorded"


def who_text(data: ReportData) -> str:
    return f"Prepared for {data.patient_name}" if data.patient_name else "Guest visit"


def header_band(
    sheet: Sheet,
    *,
    logo: QImage | None,
    clinic: str,
    title: str,
    right: tuple[str, str],
    right_width: float,
) -> float:
    """A first page's band: logo, clinic, title and, on the right, two lines (when, for whom;
    the second may reach left up to the title, and a name longer still ends in "…").
    Returns the band's bottom. Shared by the visit report and the progress report."""
    height = 86.0
    sheet.painter.fillRect(QRectF(0, 0, sheet.width, height), Ink.PAPER)
    sheet.painter.fillRect(QRectF(0, height - 2.5, sheet.width, 2.5), Ink.ACCENT)
    x = sheet.margin
    if logo is not None:
        sheet.fit(QRectF(x, 20, 64, 44), logo)
        x += 76
    width = sheet.width - sheet.margin - x - right_width + 10
    sheet.text(
        QRectF(x, 22, width, 16),
        sheet.elide(width, clinic.upper(), size=10, weight=QFont.Weight.Bold, spacing=1.2),
        size=10,
        colour=Ink.ACCENT,
        weight=QFont.Weight.Bold,
        wrap=False,
        spacing=1.2,
    )
    sheet.text(
        QRectF(x, 38, width + 100, 28), title, size=20, weight=QFont.Weight.DemiBold, wrap=False
    )
    box = QRectF(sheet.width - sheet.margin - right_width, 24, right_width, 14)
    when = sheet.elide(right_width, right[0], size=9.5)
    sheet.text(box, when, size=9.5, align=RIGHT, wrap=False)
    title_end = x + sheet.measure(sheet.width, title, size=20, weight=QFont.Weight.DemiBold).width()
    room = max(right_width, sheet.width - sheet.margin - title_end - 16)
    box = QRectF(sheet.width - sheet.margin - room, 40, room, 14)
    who = sheet.elide(room, right[1], size=9.5, weight=QFont.Weight.DemiBold)
    sheet.text(box, who, size=9.5, weight=QFont.Weight.DemiBold, align=RIGHT, wrap=False)
    return height


def full_header(sheet: Sheet, data: ReportData, logo: QImage | None) -> float:
    """The visit report's first band: logo, clinic, title, date and patient."""
    return header_band(
        sheet,
        logo=logo,
        clinic=data.clinic_name,
        title="Skin analysis report",
        right=(when_text(data), who_text(data)),
        right_width=200,
    )


def compact_header(sheet: Sheet, data: ReportData) -> float:
    """Later pages: one line that still says whose report this is (and when: a long name is
    shortened, not the date)."""
    height = 44.0
    sheet.painter.fillRect(QRectF(0, 0, sheet.width, height), Ink.PAPER)
    sheet.painter.fillRect(QRectF(0, height - 1.5, sheet.width, 1.5), Ink.ACCENT)
    line = QRectF(sheet.margin, 16, sheet.content_width, 14)
    when = f"  \u00b7  {when_text(data)}"
    name_room = sheet.content_width * 0.6 - sheet.measure(1_000, when, size=8.5).width()
    who = sheet.elide(name_room, who_text(data), size=8.5) + when
    clinic_room = sheet.content_width - sheet.measure(1_000, who, size=8.5).width() - 16
    sheet.text(
        line,
        sheet.elide(
            clinic_room, data.clinic_name.upper(), size=8.5, weight=QFont.Weight.Bold, spacing=1
        ),
        size=8.5,
        colour=Ink.ACCENT,
        weight=QFont.Weight.Bold,
        wrap=False,
        spacing=1.0,
    )
    sheet.text(
        line,
        who,
        size=8.5,
        colour=Ink.MUTED,
        align=RIGHT,
        wrap=False,
    )
    return height


def footer(sheet: Sheet, page: int, note: str) -> None:
    """A thin rule, the cosmetic-guidance note and the page number."""
    y = sheet.height - 30
    sheet.rule(y - 6)
    sheet.text(
        QRectF(sheet.margin, y, sheet.content_width - 40, 20), note, size=7, colour=Ink.FAINT
    )
    sheet.text(
        QRectF(sheet.width - sheet.margin - 40, y, 40, 10),
        f"Page {page}",
        size=7,
        colour=Ink.FAINT,
        align=RIGHT,
        wrap=False,
    )


def section_title(sheet: Sheet, y: float, title: str, hint: str = "") -> float:
    """A section heading with an optional muted hint on the right; returns the y below it."""
    rect = QRectF(sheet.margin, y, sheet.content_width, 16)
    sheet.text(rect, title, size=12, weight=QFont.Weight.DemiBold, wrap=False)
    if hint:
        sheet.text(
            rect.adjusted(0, 3, 0, 0), hint, size=7.5, colour=Ink.MUTED, align=RIGHT, wrap=False
        )
    return y + 22


def footnote(sheet: Sheet, text: str, *, top: float, size: float = 7.2) -> float:
    """One footnote across the page, wrapped when long; returns the y below it."""
    rect = QRectF(sheet.margin, top, sheet.content_width, 100)
    return top + sheet.text(rect, text, size=size, colour=Ink.MUTED) + 3
