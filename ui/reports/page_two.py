"""Page two onwards: heat maps of what stands out, the radar, conditions, advice and the routine.

Content flows down the page; if a long list of advice would not fit, it continues on a new page
rather than being cut off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QImage

from core import vocabulary as vocab
from ui.reports import not_compared
from ui.reports.charts import radar
from ui.reports.chrome import section_title
from ui.reports.findings import conditions
from ui.reports.layout import Ink, Sheet, tone_ink
from ui.reports.model import ReportData, measured_levels


class Flow:
    """A cursor down the page that starts a new page when the next block would not fit."""

    def __init__(self, sheet: Sheet, top: float, new_page: Callable[[], float]) -> None:
        self.sheet, self.y, self._new_page = sheet, top, new_page
        self.bottom = sheet.height - 44

    def need(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.y = self._new_page()


def thumbnails(flow: Flow, result: dict[str, Any], overlays: Mapping[str, QImage]) -> None:
    """The measures that stand out most, each on its own heat map."""
    metrics = measured_levels(result)
    chosen = sorted(
        (m for m in metrics if m in overlays and not vocab.measure(m).estimate),
        key=lambda m: -vocab.concern(m, float(metrics[m])),
    )[:5]
    if not chosen:
        return
    sheet = flow.sheet
    flow.need(190)
    flow.y = section_title(
        sheet, flow.y, "Where we looked", "heat maps of the measures that stand out most"
    )
    gap = 10.0
    width = (sheet.content_width - gap * 4) / 5
    height = width * 1.35
    for i, metric in enumerate(chosen):
        x = sheet.margin + i * (width + gap)
        sheet.photo(QRectF(x, flow.y, width, height), overlays[metric], radius=8)
        level = float(metrics[metric])
        sheet.text(
            QRectF(x, flow.y + height + 5, width, 12),
            vocab.measure(metric).label,
            size=8.5,
            weight=QFont.Weight.DemiBold,
            wrap=False,
        )
        sheet.text(
            QRectF(x, flow.y + height + 17, width, 11),
            f"{level:.0f}  \u00b7  {vocab.level_word(metric, level)}",
            size=7.5,
            colour=tone_ink(vocab.tone(metric, level)),
            wrap=False,
        )
    flow.y += height + 42


def overview(flow: Flow, data: ReportData) -> None:
    """The radar of this visit over the last (dashed). Where the change since then was read like
    for like, both visits' points are that reading's, marked, so the shapes' gap is the change
    page one and "Most improved" name."""
    sheet = flow.sheet
    size = 250.0
    flow.need(size + 20)
    card = QRectF(sheet.margin, flow.y, size, size)
    sheet.card(card)
    sheet.text(
        card.adjusted(14, 10, -14, 0),
        "Your skin at a glance",
        size=10,
        weight=QFont.Weight.DemiBold,
        wrap=False,
    )
    now, previous = data.both_visits()
    again = [key for key in now if key in data.like_for_like]
    legend = "further out is better" + ("  \u00b7  dashed: last visit" if previous else "")
    sheet.text(card.adjusted(14, 24, -14, 0), legend, size=7, colour=Ink.MUTED, wrap=False)
    top = 34.0
    if again:  # under the legend's line, as many lines as it takes
        marked = f"{not_compared.LIKE_FOR_LIKE}: both visits read again {data.read_again}".strip()
        top += sheet.text(card.adjusted(14, top - 1, -14, 0), marked, size=7, colour=Ink.MUTED)
    radar(sheet, card.adjusted(8, top, -8, -4), now, previous=previous, read_again=again)
    right = QRectF(card.right() + 20, flow.y, sheet.width - sheet.margin - card.right() - 20, size)
    conditions(sheet, right, data)
    flow.y += size + 22


def bullet_list(flow: Flow, title: str, items: list[str]) -> None:
    if not items:
        return
    sheet = flow.sheet
    flow.need(60)
    flow.y = section_title(sheet, flow.y, title)
    for item in items:
        height = sheet.measure(sheet.content_width - 16, item, size=9).height()
        flow.need(height + 6)
        sheet.painter.setPen(Ink.ACCENT)
        sheet.painter.setBrush(Ink.ACCENT)
        sheet.painter.drawEllipse(QRectF(sheet.margin + 2, flow.y + 4.5, 4, 4))
        sheet.text(
            QRectF(sheet.margin + 14, flow.y, sheet.content_width - 14, height + 2), item, size=9
        )
        flow.y += height + 6
    flow.y += 10


def split_step(step: str) -> tuple[str, str]:
    """``"Cleanse: gentle cleanser"`` -> ``("Cleanse", "Gentle cleanser")``; no verb -> ``("", step)``."""
    verb, sep, rest = step.partition(":")
    if not sep or len(verb) > 24 or not rest.strip():
        return "", step
    rest = rest.strip()
    return verb.strip(), rest[:1].upper() + rest[1:]


def _step_height(sheet: Sheet, width: float, step: str) -> float:
    verb, text = split_step(step)
    return (11 if verb else 0) + sheet.measure(width, text, size=8.8).height() + 9


def routine(flow: Flow, plan: Mapping[str, list[str]]) -> None:
    """Morning and evening side by side, numbered, each step's action as a small label."""
    sheet = flow.sheet
    columns = [
        ("Morning", list(plan.get("morning", []))),
        ("Evening", list(plan.get("evening", []))),
    ]
    if not any(steps for _, steps in columns):
        return
    width = (sheet.content_width - 14) / 2
    text_w = width - 48
    height = 38 + max(sum(_step_height(sheet, text_w, s) for s in steps) for _, steps in columns)
    flow.need(height + 34)
    flow.y = section_title(sheet, flow.y, "Your routine")
    for col, (name, steps) in enumerate(columns):
        box = QRectF(sheet.margin + col * (width + 14), flow.y, width, height)
        sheet.card(box, fill=Ink.PAPER, border=None)
        sheet.text(
            box.adjusted(14, 10, -14, 0),
            name,
            size=10.5,
            colour=Ink.ACCENT,
            weight=QFont.Weight.Bold,
            wrap=False,
        )
        y = box.y() + 32
        for number, step in enumerate(steps, start=1):
            verb, text = split_step(step)
            sheet.card(
                QRectF(box.x() + 14, y + 1, 16, 16), fill=Ink.CARD, border=Ink.LINE, radius=8
            )
            sheet.text(
                QRectF(box.x() + 14, y + 1, 16, 16),
                f"{number}",
                size=8,
                colour=Ink.ACCENT,
                weight=QFont.Weight.Bold,
                align=Qt.AlignmentFlag.AlignCenter,
                wrap=False,
            )
            if verb:
                sheet.text(
                    QRectF(box.x() + 36, y, text_w, 10),
                    verb.upper(),
                    size=6.6,
                    colour=Ink.MUTED,
                    weight=QFont.Weight.Bold,
                    wrap=False,
                    spacing=0.8,
                )
                y += 11
            y += sheet.text(QRectF(box.x() + 36, y, text_w, 200), text, size=8.8) + 9
    flow.y += height + 18


def about(flow: Flow, result: dict[str, Any]) -> None:
    """The cosmetic-not-medical note, always, and what the numbers rest on."""
    sheet = flow.sheet
    note = str(result.get("disclaimer", ""))
    quality = result.get("quality", {})
    facts = (
        f"Analysis {str(result.get('analysis_id', ''))[:8]}  \u00b7  engine {result.get('engine_version', '?')}"
        f"  \u00b7  photo quality {float(quality.get('score', 0.0)):.0f}/100"
        f"  \u00b7  confidence {float(result.get('confidence', 0.0)):.0%}"
    )
    height = sheet.measure(sheet.content_width - 28, note, size=8.5).height() + 44
    flow.need(height)
    box = QRectF(sheet.margin, flow.y, sheet.content_width, height)
    sheet.card(box, fill=Ink.CARD, border=Ink.LINE)
    sheet.painter.fillRect(QRectF(box.x(), box.y() + 10, 3, box.height() - 20), Ink.ACCENT)
    sheet.text(
        box.adjusted(14, 10, -14, 0),
        "Cosmetic guidance, not medical advice",
        size=9.5,
        weight=QFont.Weight.Bold,
        wrap=False,
    )
    used = sheet.text(box.adjusted(14, 24, -14, 0), note, size=8.5, colour=Ink.TEXT)
    sheet.text(box.adjusted(14, 28 + used, -14, 0), facts, size=7, colour=Ink.FAINT, wrap=False)
    flow.y += height + 10


def draw_page_two(flow: Flow, data: ReportData, *, overlays: Mapping[str, QImage]) -> None:
    result = data.result
    thumbnails(flow, result, overlays)
    overview(flow, data)
    disclaimer = str(result.get("disclaimer", "")).strip()
    advice = [r for r in result.get("recommendations", []) if str(r).strip() != disclaimer]
    bullet_list(flow, "Recommendations", [str(r) for r in advice])
    routine(flow, result.get("routine", {}))
    about(flow, result)
