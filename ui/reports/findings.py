"""What we noticed: named conditions with severity, highlights, and the dermatologist referral."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from core.analysis.repeatability import mdc_of
from core.vocabulary import change, concern, condition_label, measure, region, severity
from ui.reports.layout import Ink, Sheet, fitting_list, tone_ink
from ui.reports.model import ReportData, measured_levels, since_last


def _condition(sheet: Sheet, x: float, y: float, width: float, item: Mapping[str, Any]) -> None:
    """Severity, name, then on one line where (as many regions as fit) and how sure."""
    level = severity(str(item.get("severity", "mild")))
    chip = sheet.chip(x, y + 1, level.label.upper(), colour=tone_ink(level.tone), filled=True)
    sheet.text(
        QRectF(x + chip + 8, y, width - chip - 8, 14),
        condition_label(str(item.get("name", ""))),
        size=10,
        weight=QFont.Weight.DemiBold,
        wrap=False,
    )
    labels = [region(r).label for r in item.get("regions", [])] or ["across the face"]
    detail = fitting_list(
        labels,
        lambda text: sheet.fits(width, text, size=7.8),
        tail=f"  \u00b7  confidence {float(item.get('confidence', 0.0)):.0%}",
    )
    sheet.text(QRectF(x, y + 15, width, 12), detail, size=7.8, colour=Ink.MUTED, wrap=False)


WATCH_FROM = 25.0
"""The concern (0-100, higher is worse) from which a measure is worth watching; a strength is a
measure below it, so no measure is both, and one flagged mild or worse is never a strength."""


def highlight_lines(
    metrics: Mapping[str, float],
    previous: Mapping[str, float] | None,
    spread: Callable[[str], float] = mdc_of,
    *,
    again: Mapping[str, tuple[float, float]] | None = None,
) -> list[tuple[str, str]]:
    """Strengths, what to watch and, with a previous visit, what improved most: the change page
    one shows for each measure (read like for like, ``again``, where the two photos measured
    different skin: :func:`~ui.reports.model.since_last`), named only beyond retest noise (the
    rule each change on page one is labelled by, with the same ``spread`` per measure), so none
    is a retake's wobble."""
    ranked = sorted(metrics, key=lambda m: concern(m, float(metrics[m])))
    watched = {m for m in ranked if concern(m, float(metrics[m])) >= WATCH_FROM}
    strengths = [m for m in ranked if m not in watched][:3]
    watch = [m for m in reversed(ranked) if m in watched][:3]
    lines = [
        ("Your strengths", ", ".join(measure(m).label for m in strengths) or "None this time"),
        ("Worth watching", ", ".join(measure(m).label for m in watch) or "Nothing stands out"),
    ]
    if previous or again:
        pairs = since_last(metrics, previous, again or {})
        gains = {m: concern(m, was) - concern(m, now) for m, (was, now) in pairs.items()}
        real = [
            m
            for m in sorted(gains, key=lambda m: -gains[m])
            if gains[m] > 0 and change(m, pairs[m][1], pairs[m][0], mdc=spread(m)).better
        ]
        named = ", ".join(measure(m).label for m in real[:3])
        lines.append(("Most improved", named or "No real improvement since your last visit"))
    return lines


def conditions(sheet: Sheet, rect: QRectF, data: ReportData) -> None:
    """Named conditions with severity, where and how sure; then highlights if there is room;
    the dermatologist referral at the bottom when the engine asks for it."""
    result = data.result
    x, width = rect.x(), rect.width()
    sheet.text(
        QRectF(x, rect.y(), width, 16),
        "What we noticed",
        size=12,
        weight=QFont.Weight.DemiBold,
        wrap=False,
    )
    y = rect.y() + 24
    bottom = rect.bottom()
    if result.get("see_dermatologist"):
        bottom -= 60
        box = QRectF(x, rect.bottom() - 52, width, 52)
        sheet.card(box, fill=Ink.ALERT_BG, border=Ink.ALERT_LINE)
        sheet.text(
            box.adjusted(12, 8, -12, 0),
            "Please see a dermatologist",
            size=10,
            colour=Ink.SEVERE,
            weight=QFont.Weight.Bold,
            wrap=False,
        )
        sheet.text(
            box.adjusted(12, 23, -12, -4),
            "Some findings are marked. This is not a diagnosis: a specialist should look at them.",
            size=7.8,
        )
    found = list(result.get("conditions", []))
    if not found:
        y += (
            sheet.text(
                QRectF(x, y, width, 40),
                "Nothing above the mild level. Keep up your routine and sun protection.",
                size=9,
                colour=Ink.MUTED,
            )
            + 12
        )
    room = max(1, int((bottom - y) // 33))
    shown = found if len(found) <= room else found[: room - 1]
    for item in shown:
        _condition(sheet, x, y, width, item)
        y += 33
    if len(shown) < len(found):
        sheet.text(
            QRectF(x, y, width, 12),
            f"and {len(found) - len(shown)} more: see the measures on page 1",
            size=8,
            colour=Ink.MUTED,
            wrap=False,
        )
        y += 20
    lines = highlight_lines(
        measured_levels(result), data.previous, data.spread, again=data.like_for_like
    )
    height = 14 + 27 * len(lines)
    if bottom - y - 4 >= height:
        box = QRectF(x, y + 4, width, height)
        sheet.card(box, fill=Ink.PAPER, border=None)
        ly = box.y() + 9
        for title, text in lines:
            sheet.text(
                QRectF(x + 12, ly, width - 24, 10),
                title.upper(),
                size=6.6,
                colour=Ink.MUTED,
                weight=QFont.Weight.Bold,
                wrap=False,
                spacing=0.8,
            )
            sheet.text(QRectF(x + 12, ly + 10, width - 24, 13), text, size=9, wrap=False)
            ly += 27
