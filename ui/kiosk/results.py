"""Results: score, a gauge per measure with its plain meaning, skin type and tone, conditions,
heat maps on the photo, a radar chart, the routine, the cosmetic note, and the change since the
previous visit for a signed-in patient."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from core.vocabulary import SKIN_SCORE, Change, Tone
from ui.kiosk.charts import Gauge, RadarChart, ScoreRing, tone_colour
from ui.kiosk.overlay_photo import OverlayPhoto
from ui.kiosk.ports import AnalysisView, MeasureView
from ui.kiosk.widgets import Header, button, card, label
from ui.reports.not_compared import READ_AGAIN_MARK, like_for_like_lines


def coloured(widget: QLabel, tone: Tone) -> None:
    widget.setStyleSheet(f"color: {tone_colour(tone).name()};")


RETAKE_HINT = "For a full analysis, press Retake. {problem}."
"""When the photo's quality checks failed: what to change, in the engine's words."""
RADAR_FROM = 3
"""The skin profile (a radar) is shown from this many measures: two axes draw a line, not a shape."""
NOT_COMPARED = (
    "Not compared with your visit on {date}: the photos show different parts of your face"
)
"""When the score is not compared with the last visit's (``core.analysis.comparison``)."""


def change_text(change: Change, since: str, *, read_again: bool = False) -> str:
    """The change as the row shows it ("▲ +5 since 03 Nov 2026", "= \u22124 since ..." within retest
    noise, as the report writes it), marked when it was read like for like (the note under the
    measures says what that means)."""
    mark = f" {READ_AGAIN_MARK}" if read_again else ""
    return f"{change.shown} since {since}{mark}"


class MeasureRow(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("measure")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        row.setSpacing(14)
        self.gauge = Gauge()
        row.addWidget(self.gauge)
        text = QVBoxLayout()
        text.setSpacing(2)
        self.name = label("", "measureName", wrap=False)
        self.verdict = label("", "change", wrap=False)
        self.meaning = label("", "measureMeaning")
        self.change = label("", "change")
        for widget in (self.name, self.verdict, self.meaning, self.change):
            text.addWidget(widget)
        row.addLayout(text, 1)

    def show_measure(self, item: MeasureView, *, since: str) -> None:
        self.name.setText(item.label + (" \u00b7 estimate" if item.estimate else ""))
        self.gauge.set_value(item.level, tone=item.tone)
        if item.level is None:
            self.verdict.setText(item.word)
            self.verdict.setStyleSheet("")
            self.meaning.setText(item.not_measured)
        else:
            self.verdict.setText(f"{item.word} \u00b7 {item.direction}")
            coloured(self.verdict, item.tone)
            self.meaning.setText(item.meaning)
        self.change.setText("")
        if item.change is not None and since:
            self.change.setText(change_text(item.change, since, read_again=item.read_again))
            self.change.setProperty("better", "no" if item.change.better is False else "yes")
            self.change.style().polish(self.change)
        self.setVisible(True)

    def clear(self) -> None:
        for widget in (self.name, self.verdict, self.meaning, self.change):
            widget.setText("")
        self.gauge.set_value(None)


class ResultsScreen(QWidget):
    take_away = Signal()
    retake = Signal()
    finish = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Your results")
        self.retake_button = button("Retake", "ghost")
        self.finish_button = button("Finish", "secondary")
        self.take_button = button("Take it away", "primary")
        for widget in (self.retake_button, self.finish_button, self.take_button):
            self.header.add_action(widget)
        outer.addWidget(self.header)
        body = QHBoxLayout()
        body.setContentsMargins(32, 24, 32, 24)
        body.setSpacing(28)
        outer.addLayout(body, 1)
        self.photo = OverlayPhoto()
        body.addWidget(self.photo, 5)
        self.photo.setMinimumWidth(360)

        self.results_scroll = scroll = QScrollArea()
        scroll.setObjectName("resultsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(
            scroll.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        content = QWidget()
        content.setObjectName("resultsContent")
        self.column = QVBoxLayout(content)
        self.column.setContentsMargins(0, 0, 12, 0)
        self.column.setSpacing(20)
        scroll.setWidget(content)
        body.addWidget(scroll, 6)
        self._build_summary()
        self._build_charts()
        self._build_measures()
        self._build_advice()
        self.column.addStretch(1)
        self.take_button.clicked.connect(self.take_away)
        self.retake_button.clicked.connect(self.retake)
        self.finish_button.clicked.connect(self.finish)

    def _build_summary(self) -> None:
        frame, layout = card()
        row = QHBoxLayout()
        row.setSpacing(28)
        self.ring = ScoreRing()
        row.addWidget(self.ring)
        facts = QVBoxLayout()
        facts.setSpacing(6)
        self.score_title = label("Skin score", "cardTitle")
        self.band = label("", "cardTitleLarge", wrap=False)
        self.band_meaning = label("", "fine")
        self.score_uses = label("", "fine")
        self.skin_type = label("", "fact")
        self.type_reason = label("", "fine")
        self.score_uses.setVisible(False)
        self.type_reason.setVisible(False)
        tone_row = QHBoxLayout()
        self.swatch = QFrame()
        self.swatch.setObjectName("swatch")
        self.swatch.setFixedSize(34, 34)
        self.tone = label("", "fact")
        tone_row.addWidget(self.swatch)
        tone_row.addWidget(self.tone, 1)
        self.since = label("", "change")
        facts.addStretch(1)
        for widget in (
            self.score_title,
            self.band,
            self.band_meaning,
            self.score_uses,
            self.skin_type,
            self.type_reason,
        ):
            facts.addWidget(widget)
        facts.addLayout(tone_row)
        facts.addWidget(self.since)
        facts.addStretch(1)
        row.addLayout(facts, 1)
        layout.addLayout(row)
        self.column.addWidget(frame)
        self.retake_hint = label("", "warning")
        self.retake_hint.setVisible(False)
        self.column.addWidget(self.retake_hint)
        self.derm = label("", "warning")
        self.derm.setVisible(False)
        self.column.addWidget(self.derm)

    def _build_charts(self) -> None:
        row = QVBoxLayout()
        row.setSpacing(20)
        frame, layout = card()
        self.profile = frame
        layout.addWidget(label("Your skin profile", "cardTitle"))
        layout.addWidget(label("Further out is better on every axis.", "fine"))
        self.radar = RadarChart()
        self.radar.setMinimumHeight(360)
        layout.addWidget(self.radar, 1)
        cond_frame, self.conditions = card()
        self.conditions.addWidget(label("What we noticed", "cardTitle"))
        self.condition_list = label("", "cardText")
        self.conditions.addWidget(self.condition_list)
        row.addWidget(cond_frame)
        row.addWidget(frame)
        self.column.addLayout(row)

    def _build_measures(self) -> None:
        frame, layout = card()
        layout.addWidget(label("Each measure", "cardTitle"))
        layout.addWidget(label("0 to 100. The colour says whether it is good for you.", "fine"))
        self.measure_grid = QGridLayout()
        self.measure_grid.setHorizontalSpacing(18)
        self.measure_grid.setVerticalSpacing(8)
        self.measures: list[MeasureRow] = []
        for _ in range(10):
            self.measures.append(MeasureRow())
        self._columns = 0
        self._arrange_measures(2)
        layout.addLayout(self.measure_grid)
        self.read_again = label("", "fine")
        self.read_again.setVisible(False)
        layout.addWidget(self.read_again)
        self.left_out = label("", "fine")
        self.left_out.setVisible(False)
        layout.addWidget(self.left_out)
        self.column.addWidget(frame)

    def _arrange_measures(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for index, row in enumerate(self.measures):
            self.measure_grid.addWidget(row, index // columns, index % columns)

    def resizeEvent(self, event: object) -> None:
        """Two columns of gauges where they fit (1920 px), one on a 1280 px screen."""
        self._arrange_measures(2 if self.results_scroll.viewport().width() >= 860 else 1)

    def _build_advice(self) -> None:
        frame, layout = card()
        layout.addWidget(label("What we suggest", "cardTitle"))
        self.recommendations = label("", "cardText")
        layout.addWidget(self.recommendations)
        routine = QHBoxLayout()
        routine.setSpacing(24)
        self.morning = label("", "routine")
        self.evening = label("", "routine")
        routine.addWidget(self.morning, 1)
        routine.addWidget(self.evening, 1)
        layout.addLayout(routine)
        self.column.addWidget(frame)
        self.note = label("", "note")
        self.column.addWidget(self.note)

    def show_view(self, view: AnalysisView) -> None:
        result = view.result
        score = result.score
        self.ring.set_score(score.value, score.tone)
        self.band.setText(score.band)
        coloured(self.band, score.tone)
        self.band_meaning.setText(score.band_meaning)
        self.score_uses.setText(score.uses)
        self.score_uses.setVisible(bool(score.uses))
        skin = result.skin
        self.skin_type.setText(f"Skin type: {skin.type_label}")
        self.skin_type.setToolTip(skin.type_meaning)
        self.type_reason.setText(skin.type_reason)
        self.type_reason.setVisible(bool(skin.type_reason))
        self.swatch.setStyleSheet(f"background: {skin.monk_colour}; border-radius: 17px;")
        self.tone.setText(
            f"Skin tone: {skin.tone_label} (Monk {skin.monk}, ITA {skin.ita_deg:.0f}\u00b0)"
            if skin.monk
            else f"Skin tone {skin.tone_label}"
        )
        self.since.setText("")
        self.since.setToolTip("")
        if score.change is not None and view.previous_date:
            mark = f" {READ_AGAIN_MARK}" if score.read_again else ""
            self.since.setText(
                f"{score.change.shown} points since your visit on {view.previous_date}{mark}"
            )
            self.since.setProperty("better", "no" if score.change.better is False else "yes")
            self.since.style().polish(self.since)
        elif view.previous_date and SKIN_SCORE in view.not_compared:
            self.since.setText(NOT_COMPARED.format(date=view.previous_date))
            self.since.setToolTip(view.not_compared[SKIN_SCORE])
        self.retake_hint.setText(RETAKE_HINT.format(problem=result.photo_problem))
        self.retake_hint.setVisible(bool(result.photo_problem))
        self.derm.setText("Some findings are marked. Please show this report to a dermatologist.")
        self.derm.setVisible(result.see_dermatologist)
        measured = [m for m in result.measures if m.level is not None]
        before = [m.previous_goodness for m in measured]
        self.profile.setVisible(len(measured) >= RADAR_FROM)
        self.radar.set_data(
            [m.label for m in measured],
            [m.goodness for m in measured],
            [b for b in before if b is not None] if before and None not in before else None,
        )
        self.condition_list.setText(
            "\n".join(
                f"\u2022 {c.label}: {c.severity.lower()}"
                + (f" ({', '.join(c.regions[:3])})" if c.regions else "")
                for c in result.conditions
            )
            or "Nothing stands out. Keep up your routine."
        )
        for row, item in zip(self.measures, result.measures, strict=False):
            row.show_measure(item, since=view.previous_date)
        for row in self.measures[len(result.measures) :]:
            row.setVisible(False)
        shown = [m for m in result.measures if m.change is not None]
        marked = score.read_again or any(m.read_again for m in shown)
        # one reading, so one reason: the note names no measure (the marks say which)
        note = like_for_like_lines([("", view.read_again)]) if marked else []
        self.read_again.setText(" ".join(note))
        self.read_again.setVisible(bool(note))
        self.left_out.setText("\n".join(result.left_out))
        self.left_out.setVisible(bool(result.left_out))
        self.recommendations.setText("\n".join(f"\u2022 {r}" for r in result.recommendations))
        self.morning.setText(
            "Morning\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(result.morning, 1))
        )
        self.evening.setText(
            "Evening\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(result.evening, 1))
        )
        saved = "Your results are saved." if view.saved else "Nothing from this visit is stored."
        self.note.setText(f"{result.disclaimer} {saved}")
        worst = min(measured, key=lambda m: m.goodness, default=None)
        self.photo.show_view(view, initial=worst.key if worst else "")
        self.results_scroll.verticalScrollBar().setValue(0)  # each result opens at its score

    def clear(self) -> None:
        self.photo.clear()
        self.ring.set_score(None)
        self.radar.set_data([], [], None)
        for widget in (
            self.band,
            self.band_meaning,
            self.score_uses,
            self.skin_type,
            self.type_reason,
            self.tone,
            self.since,
            self.condition_list,
            self.recommendations,
            self.morning,
            self.evening,
            self.note,
            self.derm,
            self.retake_hint,
            self.read_again,
            self.left_out,
        ):
            widget.setText("")
        for widget in (
            self.score_uses,
            self.type_reason,
            self.retake_hint,
            self.read_again,
            self.left_out,
        ):
            widget.setVisible(False)
        self.skin_type.setToolTip("")
        self.since.setToolTip("")
        self.swatch.setStyleSheet("")
        for row in self.measures:
            row.clear()
        self.results_scroll.verticalScrollBar().setValue(0)
