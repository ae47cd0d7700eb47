"""Page one: who and when, the photo with its findings, the score, skin type and tone, every measure."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage

from core import vocabulary as vocab
from core.analysis.result import not_measured
from ui.reports import not_compared
from ui.reports.charts import lab_colour, level_bar, monk_strip, score_ring, swatch
from ui.reports.chrome import footer, footnote, full_header, section_title
from ui.reports.layout import Ink, Sheet, tone_ink
from ui.reports.model import ReportData

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop


def _label(sheet: Sheet, x: float, y: float, width: float, text: str) -> None:
    sheet.text(
        QRectF(x, y, width, 10),
        text.upper(),
        size=6.8,
        colour=Ink.MUTED,
        weight=QFont.Weight.Bold,
        wrap=False,
        spacing=0.8,
    )


def delta_text(
    metric: str, now: float, before: float, *, mdc: float | None = None
) -> tuple[str, QColor]:
    """The change as the row writes it (:func:`core.vocabulary.change`, the rule every screen
    reads), coloured when it is a real change, faint within retest noise or not judged."""
    moved = vocab.change(metric, now, before, mdc=mdc)
    colour = Ink.FAINT if moved.better is None else (Ink.GOOD if moved.better else Ink.CONCERN)
    return moved.shown, colour


def verdict_text(metric: str, now: float, before: float, *, mdc: float | None = None) -> str:
    """'real change' when two visits differ by more than the retest spread (``mdc``: the pair's),
    else 'retest noise': a retake of the same face could have moved it as much."""
    real = vocab.change(metric, now, before, mdc=mdc).better is not None
    return "real change" if real else "retest noise"


def score_card(sheet: Sheet, rect: QRectF, data: ReportData) -> None:
    score = float(data.result.get("skin_score", 0.0))
    band = vocab.score_band(score)
    colour = tone_ink(band.tone)
    sheet.card(rect)
    score_ring(sheet, QPointF(rect.x() + 64, rect.center().y()), 46, score, colour)
    x, width = rect.x() + 128, rect.width() - 140
    _label(sheet, x, rect.y() + 16, width, vocab.SKIN_SCORE_LABEL)
    sheet.text(
        QRectF(x, rect.y() + 28, width, 30),
        band.label,
        size=22,
        colour=colour,
        weight=QFont.Weight.Bold,
        wrap=False,
    )
    sheet.text(QRectF(x, rect.y() + 60, width, 26), band.meaning, size=8.3, colour=Ink.MUTED)
    pair = data.since_last().get(vocab.SKIN_SCORE)
    if pair is not None:
        was, now = pair
        text, tone = delta_text(vocab.SKIN_SCORE, now, was, mdc=data.spread(vocab.SKIN_SCORE))
        mark = f" {not_compared.READ_AGAIN_MARK}" if vocab.SKIN_SCORE in data.like_for_like else ""
        sheet.text(
            QRectF(x, rect.y() + 92, width, 12),
            f"{text} since your last visit{mark}",
            size=8.5,
            colour=tone,
            weight=QFont.Weight.DemiBold,
            wrap=False,
        )


def _headline(sheet: Sheet, rect: QRectF, title: str, note: str) -> None:
    """A card's answer in large type and what it means under it."""
    x, width = rect.x() + 12, rect.width() - 24
    sheet.text(
        QRectF(x, rect.y() + 25, width, 20),
        title,
        size=14,
        weight=QFont.Weight.Bold,
        wrap=False,
    )
    sheet.text(QRectF(x, rect.y() + 50, width, 36), note, size=8, colour=Ink.MUTED)


def type_card(sheet: Sheet, rect: QRectF, skin_type: str) -> None:
    kind = vocab.skin_type(skin_type)
    sheet.card(rect)
    _label(sheet, rect.x() + 12, rect.y() + 12, rect.width() - 24, "Skin type")
    _headline(sheet, rect, kind.label, kind.meaning)


def tone_card(sheet: Sheet, rect: QRectF, tone: dict[str, Any]) -> None:
    sheet.card(rect)
    x, width = rect.x() + 12, rect.width() - 24
    _label(sheet, x, rect.y() + 12, width, "Skin tone")
    lab = tone.get("lab")
    if isinstance(lab, list | tuple) and len(lab) >= 3:
        swatch(sheet, QPointF(x + 9, rect.y() + 35), 9, lab_colour(lab))
    if tone.get("measured") is False:  # a greyscale photo, a tinted light: say why, not a tone
        _headline(sheet, rect, vocab.NOT_MEASURED, str(tone.get("reason", "")).capitalize())
        return
    category = vocab.tone_category(str(tone.get("category"))).label
    sheet.text(
        QRectF(x + 24, rect.y() + 24, width - 24, 16),
        category,
        size=11.5,
        weight=QFont.Weight.Bold,
        wrap=False,
    )
    monk = int(tone.get("monk", 0) or 0)
    sheet.text(
        QRectF(x + 24, rect.y() + 40, width - 24, 12),
        f"ITA {float(tone.get('ita_deg', 0.0)):.0f}\u00b0  \u00b7  Monk step {monk}",
        size=7.8,
        colour=Ink.MUTED,
        wrap=False,
    )
    monk_strip(sheet, QRectF(x, rect.y() + 64, width, 9), monk)
    sheet.text(
        QRectF(x, rect.y() + 76, width, 10),
        "Monk skin tone scale, 1 to 10",
        size=6.3,
        colour=Ink.FAINT,
        wrap=False,
    )


def note_card(sheet: Sheet, rect: QRectF, result: dict[str, Any]) -> float:
    """The dermatologist referral when flagged, otherwise what the photo's quality allows and
    the tip for next time (the card grows down for a long tip); returns the card's bottom."""
    x, width = rect.x() + 12, rect.width() - 24
    if result.get("see_dermatologist"):
        sheet.card(rect, fill=Ink.ALERT_BG, border=Ink.ALERT_LINE)
        sheet.text(
            QRectF(x, rect.y() + 6, width, 12),
            "Please see a dermatologist",
            size=9.5,
            colour=Ink.SEVERE,
            weight=QFont.Weight.Bold,
            wrap=False,
        )
        sheet.text(
            QRectF(x, rect.y() + 19, width, 12),
            "Some findings are marked; a specialist should look at them.",
            size=7.8,
            colour=Ink.TEXT,
            wrap=False,
        )
        return rect.bottom()
    quality = result.get("quality", {})
    tips = [m for m in quality.get("messages", []) if m]
    tip = (
        f"Next time: {tips[0].rstrip('.')}."
        if tips
        else "Good light and framing: results are reliable."
    )
    tall = 19 + sheet.measure(width, tip, size=7.8).height() + 5
    card = QRectF(rect.x(), rect.y(), rect.width(), max(rect.height(), tall))
    sheet.card(card, fill=Ink.PAPER, border=None)
    confidence = float(result.get("confidence", 0.0))
    sheet.text(
        QRectF(x, rect.y() + 6, width, 12),
        f"Photo quality {float(quality.get('score', 0.0)):.0f}/100  \u00b7  "
        f"confidence {confidence:.0%}",
        size=8.5,
        weight=QFont.Weight.DemiBold,
        wrap=False,
    )
    sheet.text(QRectF(x, rect.y() + 19, width, 100), tip, size=7.8, colour=Ink.MUTED)
    return card.bottom()


def _verdict(sheet: Sheet, rect: QRectF, metric: str, level: float | None, reason: str) -> float:
    """The bar and its verdict, or, for a measure this photo did not allow, why not (wrapped);
    returns how far the reason ran below ``rect``, which the row then grows by."""
    words = vocab.measure(metric)
    if level is None:
        sheet.text(rect, vocab.NOT_MEASURED, size=8, colour=Ink.FAINT, wrap=False)
        used = sheet.text(
            QRectF(rect.x(), rect.y() + 11, rect.width(), 100), reason, size=7, colour=Ink.FAINT
        )
        return max(0.0, 11 + used - rect.height())
    colour = tone_ink(vocab.tone(metric, level))
    level_bar(sheet, QRectF(rect.x(), rect.y() + 4, rect.width(), 7), level, colour)
    sheet.text(
        QRectF(rect.x(), rect.y() + 15, rect.width(), 10),
        f"{vocab.level_word(metric, level)}  \u00b7  {words.direction}",
        size=7,
        colour=colour,
        weight=QFont.Weight.DemiBold,
        wrap=False,
    )
    return 0.0


def measure_rows(sheet: Sheet, y: float, data: ReportData) -> float:
    """One row per measure: name, meaning, a 0-100 bar with its verdict, the level and the change."""
    metrics: dict[str, float | None] = data.result.get("metrics", {})
    details: dict[str, Any] = data.result.get("measures", {})
    previous = data.previous or {}
    since = data.since_last()
    left, right = sheet.margin, sheet.width - sheet.margin
    bar_x, bar_w = left + 306, 140.0
    for index, (metric, raw) in enumerate(metrics.items()):
        level = None if raw is None else float(raw)
        words = vocab.measure(metric)
        name = words.label
        sheet.text(
            QRectF(left, y, 200, 14), name, size=10.5, weight=QFont.Weight.DemiBold, wrap=False
        )
        if words.estimate:
            width = sheet.measure(300, name, size=10.5, weight=QFont.Weight.DemiBold).width()
            sheet.chip(left + width + 7, y + 2, "ESTIMATE", colour=Ink.MUTED)
        sheet.text(
            QRectF(left, y + 15, bar_x - left - 12, 12),
            words.meaning,
            size=7.8,
            colour=Ink.MUTED,
            wrap=False,
        )
        reason = str(details.get(metric, {}).get("not_measured", ""))
        extra = _verdict(sheet, QRectF(bar_x, y, bar_w, 26), metric, level, reason)
        number_right = right - 40 if previous or data.not_compared or data.like_for_like else right
        sheet.text(
            QRectF(number_right - 40, y - 1, 40, 20),
            "\u2013" if level is None else f"{level:.0f}",
            size=15,
            weight=QFont.Weight.Bold,
            colour=Ink.TEXT if level is not None else Ink.FAINT,
            align=RIGHT,
            wrap=False,
        )
        pair = since.get(metric)
        if level is not None and pair is not None:
            mdc = data.spread(metric)
            was, now = pair
            text, tone = delta_text(metric, now, was, mdc=mdc)
            mark = f" {not_compared.READ_AGAIN_MARK}" if metric in data.like_for_like else ""
            sheet.text(
                QRectF(right - 36, y + 1, 36, 12),
                text,
                size=8,
                colour=tone,
                weight=QFont.Weight.DemiBold,
                align=RIGHT,
                wrap=False,
            )
            sheet.text(
                QRectF(right - 44, y + 13, 44, 9),
                verdict_text(metric, now, was, mdc=mdc) + mark,
                size=5.2,
                colour=tone,
                align=RIGHT,
                wrap=False,
            )
        elif level is not None and metric in data.not_compared:
            sheet.text(
                QRectF(right - 44, y + 3, 44, 20),
                "not\ncompared",
                size=5.6,
                colour=Ink.FAINT,
                align=RIGHT,
                wrap=False,
            )
        if index < len(metrics) - 1:
            sheet.painter.setPen(Ink.LINE)
            sheet.painter.drawLine(QPointF(left, y + 31 + extra), QPointF(right, y + 31 + extra))
        y += 36 + extra
    y = not_measured_note(sheet, y, data.result)

    def label(key: str) -> str:
        return vocab.SKIN_SCORE_LABEL if key == vocab.SKIN_SCORE else vocab.measure(key).label

    labels = ((label(key), why) for key, why in data.not_compared.items())
    read = ((label(key), data.read_again) for key in data.like_for_like)
    return not_compared.draw(sheet, y, labels, read_again=read)


def not_measured_note(sheet: Sheet, y: float, result: dict[str, Any]) -> float:
    """The parts of the face left out of every measure and the measures this photo could not
    support, each with the engine's reason, and what the score was computed from: never a blank
    where a number would be expected, nor a level whose skin is not said."""
    left_out = result.get("excluded_regions") or {}
    for key, why in left_out.items():
        y = footnote(sheet, vocab.left_out(key, why), top=y)
    declined = not_measured(result)
    if not declined:
        return y + 4 if left_out else y
    for key, why in declined.items():
        y = footnote(sheet, f"{vocab.measure(key).label}: not measured — {why}", top=y)
    used = ", ".join(vocab.measure(k).label for k in result.get("skin_score_uses", []))
    if used:
        y = footnote(sheet, f"The skin score uses only what was measured: {used}.", top=y)
    return y + 4


def draw_page_one(
    sheet: Sheet,
    data: ReportData,
    *,
    hero: QImage | None,
    logo: QImage | None,
    hero_is_overlay: bool,
) -> None:
    top = full_header(sheet, data, logo) + 18
    left = sheet.margin
    photo = QRectF(left, top, 190, 266)
    if hero is not None:
        sheet.photo(photo, hero)
    else:
        sheet.card(photo, fill=Ink.PAPER)
        sheet.text(
            photo, "No photo stored", size=9, colour=Ink.FAINT, align=Qt.AlignmentFlag.AlignCenter
        )
    caption = (
        "Tinted where findings are strongest (see page 2)"
        if hero_is_overlay
        else "The analysed photo"
    )
    sheet.text(
        QRectF(left, photo.bottom() + 5, photo.width(), 12),
        caption,
        size=7.2,
        colour=Ink.MUTED,
        align=Qt.AlignmentFlag.AlignHCenter,
        wrap=False,
    )
    x = photo.right() + 16
    width = sheet.width - sheet.margin - x
    score_card(sheet, QRectF(x, top, width, 122), data)
    half = (width - 10) / 2
    type_card(sheet, QRectF(x, top + 132, half, 92), str(data.result.get("skin_type", "")))
    tone_card(sheet, QRectF(x + half + 10, top + 132, half, 92), data.result.get("skin_tone", {}))
    below = note_card(sheet, QRectF(x, top + 234, width, 32), data.result)
    hint = "0-100  \u00b7  change since your last visit on the right" if data.previous else "0-100"
    y = section_title(sheet, max(photo.bottom(), below - 6) + 26, "Your measures", hint)
    measure_rows(sheet, y + 2, data)
    footer(sheet, 1, str(data.result.get("disclaimer", "")))
