"""Each measure's change between two analyses: before, after, the signed change, and whether it is
better or worse, and larger than a retake of the same face would give (a real change, an arrow) or
within retest noise ("="), by the one rule the kiosk and the PDF read
(:func:`core.vocabulary.change`) with the pair's spread (``core.analysis.comparison``), the skin
score with its own. A measure the two photos measured on different
regions (the forehead hidden at one visit) is not comparable, and the regions are named, until both
photos are read again on the skin both showed: the row's levels, change and verdict are then that
reading's, marked * as on the kiosk and the reports, the stored levels in the tooltips. Colours
come from the style sheet."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
)

from core.analysis.comparison import (
    MeasureChange,
    compare,
    score_difference,
    score_part_spread,
    score_spread,
)
from core.vocabulary import NOT_MEASURED, SKIN_SCORE, Change, change, shown_score, signed
from ui.desktop.ports import AnalysisDetail, LikeForLike, MeasureReading
from ui.reports.not_compared import READ_AGAIN_MARK
from ui.widgets.trend_chart import colour, colour_property

COLUMNS = ("Measure", "Before", "After", "Change", "Verdict")
REAL = "Real change"
NOISE = "Within retest noise"
NOT_COMPARABLE = "Not comparable"
LIKE_FOR_LIKE = "Like for like"
AS_STORED = "As stored: {level}."
"""Leads the tooltip of a level replaced by its like-for-like reading: the stored level stays
reachable."""
READ_AGAIN_NOTE = (
    "Like for like: both photos read again without the parts of the face only one of them showed "
    f"(the levels and changes marked {READ_AGAIN_MARK}; the stored levels are in their tooltips)."
)
"""Above the table once rows are read like for like: what the mark means, where the stored
levels went."""


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


VERDICT_ROLE = Qt.ItemDataRole.UserRole


def marked(text: str) -> str:
    """A level or change read like for like, as the table shows it."""
    return f"{text} {READ_AGAIN_MARK}"


def judged(moved: MeasureChange) -> Change:
    """A measure's change judged against the pair's spread by the rule the kiosk and the PDF read
    (:func:`core.vocabulary.change`): "=" within retest noise, an arrow only when real."""
    return change(moved.key, moved.after, moved.before, mdc=moved.spread)


def change_text(moved: MeasureChange) -> str:
    """A measure's change as the Change column shows it ("\u25bc \u221230", "= +1"); a change
    between different skin is only its points: neither real nor noise."""
    return signed(moved.delta) if moved.verdict == "different_skin" else judged(moved).shown


def score_change(was: float, now: float, spread: float) -> Change:
    """The skin score's change judged against its own retest spread (the pair's,
    ``core.analysis.comparison.score_spread``) by the rule its measures are judged by."""
    return change(SKIN_SCORE, now, was, mdc=spread)


def spread_tip(direction: str, spread: float) -> str:
    return f"{direction}; a retake of the same face moves it by up to {spread:.1f} points"


def verdict_text(moved: Change, spread: float | None = None) -> str:
    if moved.better is None:
        return f"{NOISE} (±{spread or 0.0:.1f})"
    return f"{REAL}: {'better' if moved.better else 'worse'}"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def like_for_like_words(moved: MeasureChange) -> tuple[str, bool | None, str]:
    """(verdict, better or worse when real, tooltip) of a change read on the shared skin."""
    shown = f"{moved.before:.0f} \u2192 {moved.after:.0f}"
    if moved.verdict == "different_skin":
        return f"{NOT_COMPARABLE}: {moved.reason}", None, ""
    step = judged(moved)
    tip = (
        f"Both photos were read again {moved.reason}; a retake moves a reading from that much of "
        f"the face by up to {moved.spread:.1f} points."
    )
    verdict = _lower(verdict_text(step, moved.spread))
    return f"{LIKE_FOR_LIKE}, {moved.reason}: {shown}, {verdict}", step.better, tip


def score_words(
    score: tuple[float, float], where: str, spread: float
) -> tuple[str, bool | None, str]:
    """(verdict, better or worse, tooltip) of the skin score read on the shared skin, judged
    against the spread of a score read from part of the face (``spread``)."""
    was, now = score
    moved = score_change(was, now, spread)
    tip = (
        f"Both photos were read again {where}; a retake moves a score from that much of the face "
        f"by up to {spread:.1f} points."
    )
    verdict = _lower(verdict_text(moved, spread))
    return f"{LIKE_FOR_LIKE}, {where}: {was:.0f} \u2192 {now:.0f}, {verdict}", moved.better, tip


class ChangesTable(QTableWidget):
    betterColor = colour_property("better")
    worseColor = colour_property("worse")
    textColor = colour_property("text")

    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setShowGrid(False)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._resized)
        self.keys: list[str] = []
        """The measure (or the skin score) of each row."""
        self.apart: set[str] = set()
        """The measures the two stored analyses read from different skin."""
        self.score_spreads = (0.0, 0.0)
        """The skin score's retest spread for the pair: as stored, and read like for like."""

    def show_changes(self, before: AnalysisDetail, after: AnalysisDetail) -> None:
        self.keys = [SKIN_SCORE, *(r.key for r in after.measures)]
        self.apart = set()
        rows: list[tuple[str, ...] | tuple[Any, ...]] = []
        noise = score_spread(before.result, after.result)
        self.score_spreads = (noise, score_part_spread(before.result, after.result))
        score = score_change(before.skin_score, after.skin_score, noise)
        apart = score_difference(before.result, after.result)
        rows.append(
            (
                "Skin score",
                str(shown_score(before.skin_score)),
                str(shown_score(after.skin_score)),
                signed(score.delta) if apart else score.shown,
                f"{NOT_COMPARABLE}: {apart}" if apart else verdict_text(score, noise),
                None if apart else score.better,
                _sentence(apart) or spread_tip("Higher is better", noise),
            )
        )
        befores = {r.key: r for r in before.measures}
        for reading in after.measures:
            earlier = befores.get(reading.key)
            step = None
            if earlier is not None and earlier.level is not None and reading.level is not None:
                levels = (earlier.level, reading.level)
                step = compare(reading.key, before.result, after.result, levels=levels)
                if step is not None and step.verdict == "different_skin":
                    self.apart.add(reading.key)
            rows.append(self._row(earlier, reading, step))
        self.setRowCount(len(rows))
        for row, (name, was, now, delta, verdict, better, tip) in enumerate(rows):
            for column, text in enumerate((name, was, now, delta, verdict)):
                item = QTableWidgetItem(str(text))
                item.setToolTip(str(tip))
                item.setData(VERDICT_ROLE, verdict)
                if column in (1, 2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column in (3, 4) and better is not None:
                    item.setForeground(colour(self, "better" if better else "worse"))
                self.setItem(row, column, item)
        self._fit_rows()

    def _row(
        self,
        was: MeasureReading | None,
        now: MeasureReading,
        moved: MeasureChange | None = None,
    ) -> tuple[Any, ...]:
        """One row; ``moved`` is the change as ``core.analysis.comparison`` reads it from the two
        results (without them: the levels alone, against the table's spread at full size)."""
        name = now.label + (" (estimate)" if now.estimate else "")
        if was is None or was.level is None or now.level is None:
            gone_before = was is None or was.level is None
            missing = "before" if gone_before else "after"
            if gone_before and now.level is None:
                missing = "at either visit"
            reason = (was.reason if missing == "before" and was else now.reason) or ""
            return (
                name,
                "—" if was is None or was.level is None else f"{was.level:.0f}",
                "—" if now.level is None else f"{now.level:.0f}",
                "",
                f"{NOT_MEASURED} {missing}",
                None,
                reason,
            )
        moved = moved or compare(now.key, {}, {}, levels=(was.level, now.level))
        assert moved is not None  # both levels are given
        spread = moved.spread
        shown = (name, f"{was.level:.0f}", f"{now.level:.0f}", change_text(moved))
        if moved.verdict == "different_skin":
            return (*shown, f"{NOT_COMPARABLE}: {moved.reason}", None, _sentence(moved.reason))
        step = judged(moved)
        return (
            *shown,
            verdict_text(step, spread),
            step.better,
            spread_tip(now.direction, spread),
        )

    def show_like_for_like(self, found: LikeForLike) -> None:
        """The measures not comparable as stored, read again on the skin both photos showed: the
        levels, the change and the verdict all become that reading's, the levels and the change
        marked :data:`~ui.reports.not_compared.READ_AGAIN_MARK` as on the kiosk and the reports
        (the stored levels in the tooltips), both coloured by its verdict, so a row never shows
        one reading's levels beside another's change."""
        for row, key in enumerate(self.keys):
            moved = found.changes.get(key)
            verdict, delta = self.item(row, 4), self.item(row, 3)
            if verdict is None or delta is None:
                continue
            if key == SKIN_SCORE and found.score is not None:
                text, better, tip = score_words(found.score, found.where, self.score_spreads[1])
                shown = score_change(*found.score, self.score_spreads[1]).shown
                levels = tuple(str(shown_score(s)) for s in found.score)
            elif moved is not None:
                text, better, tip = like_for_like_words(moved)
                shown = change_text(moved)
                levels = (f"{moved.before:.0f}", f"{moved.after:.0f}")
            else:
                continue
            verdict.setText(text)
            delta.setText(marked(shown))
            for column, level in zip((1, 2), levels, strict=True):
                self._read_again(row, column, level)
            for column in range(self.columnCount()):
                item = self.item(row, column)
                if item is None:
                    continue
                item.setToolTip(f"{item.toolTip()} {tip} {found.note}".strip())
                item.setData(VERDICT_ROLE, text)
                if column in (3, 4) and better is not None:
                    item.setForeground(colour(self, "better" if better else "worse"))
                elif column in (3, 4):  # within retest noise or not judged: the text's own colour
                    item.setData(Qt.ItemDataRole.ForegroundRole, None)
        self._fit_rows()

    def _read_again(self, row: int, column: int, level: str) -> None:
        """A stored level replaced by the like-for-like reading's, marked; the stored one leads
        the tooltip."""
        item = self.item(row, column)
        if item is None:
            return
        stored = item.text()
        item.setText(marked(level))
        item.setToolTip(f"{AS_STORED.format(level=stored)} {item.toolTip()}".strip())

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if column == 4:  # once the header has laid out: while it says so, it answers the old width
            QTimer.singleShot(0, self, self._fit_rows)

    def _fit_rows(self) -> None:
        """A verdict longer than its column wraps onto more lines, its row growing (a narrow
        window cut "within retest noise (±13.9)" short); the other rows keep their height."""
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        room = self.columnWidth(4) - 2 * margin  # as Qt's item view lays the text out
        for row in range(self.rowCount()):
            verdict = self.item(row, 4)
            if verdict is not None and self.fontMetrics().horizontalAdvance(verdict.text()) > room:
                self.resizeRowToContents(row)
            else:
                self.setRowHeight(row, self.verticalHeader().defaultSectionSize())

    def shown_change(self, label: str) -> str:
        """The change shown for a measure (by its label), for tests and screen readers."""
        return self._cell(label, 3)

    def verdict(self, label: str) -> str:
        """The verdict shown for a measure (by its label), for tests and screen readers."""
        return self._cell(label, 4)

    def _cell(self, label: str, column: int) -> str:
        for row in range(self.rowCount()):
            name, cell = self.item(row, 0), self.item(row, column)
            if name is not None and cell is not None and name.text().split(" (")[0] == label:
                return cell.text()
        raise KeyError(label)
