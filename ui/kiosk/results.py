"""Results: score, a gauge per measure with its plain meaning, skin type and tone, conditions,
heat maps on the photo, a radar chart, the routine, the cosmetic note, and the change since the
previous visit for a signed-in patient."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from core.analysis.measures.skin_tone import MONK_HEX
from ui.kiosk.charts import Gauge, RadarChart, ScoreRing
from ui.kiosk.overlay_photo import OverlayPhoto
from ui.kiosk.ports import AnalysisView
from ui.kiosk.widgets import Header, button, card, label

MONK = MONK_HEX


def words(code: str) -> str:
    return code.replace("_", " ").capitalize()


def goodness(view: AnalysisView, name: str, level: float) -> float:
    return level if name in view.higher_is_better else 100.0 - level


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
        self.meaning = label("", "measureMeaning")
        self.change = label("", "change")
        text.addWidget(self.name)
        text.addWidget(self.meaning)
        text.addWidget(self.change)
        row.addLayout(text, 1)

    def show(self, view: AnalysisView, name: str, level: float) -> None:  # type: ignore[override]
        estimate = " · estimate" if name in view.estimates else ""
        self.name.setText(view.labels.get(name, words(name)) + estimate)
        self.meaning.setText(view.meanings.get(name, ""))
        self.gauge.set_value(level, goodness=goodness(view, name, level))
        self.change.setText("")
        if view.previous and name in view.previous:
            delta = level - view.previous[name]
            better = goodness(view, name, level) >= goodness(view, name, view.previous[name])
            arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
            self.change.setText(f"{arrow} {abs(delta):.0f} since {view.previous_date}")
            self.change.setProperty("better", "yes" if better else "no")
            self.change.style().polish(self.change)
        self.setVisible(True)


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

        self.scroll = scroll = QScrollArea()
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
        self.skin_type = label("", "fact")
        tone_row = QHBoxLayout()
        self.swatch = QFrame(objectName="swatch")
        self.swatch.setFixedSize(34, 34)
        self.tone = label("", "fact")
        tone_row.addWidget(self.swatch)
        tone_row.addWidget(self.tone, 1)
        self.since = label("", "change")
        facts.addStretch(1)
        for widget in (self.score_title, self.skin_type):
            facts.addWidget(widget)
        facts.addLayout(tone_row)
        facts.addWidget(self.since)
        facts.addStretch(1)
        row.addLayout(facts, 1)
        layout.addLayout(row)
        self.column.addWidget(frame)
        self.derm = label("", "warning")
        self.derm.setVisible(False)
        self.column.addWidget(self.derm)

    def _build_charts(self) -> None:
        row = QVBoxLayout()
        row.setSpacing(20)
        frame, layout = card()
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
        self.column.addWidget(frame)

    def _arrange_measures(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for index, row in enumerate(self.measures):
            self.measure_grid.addWidget(row, index // columns, index % columns)

    def resizeEvent(self, event: object) -> None:
        """Two columns of gauges where they fit (1920 px), one on a 1280 px screen."""
        self._arrange_measures(2 if self.scroll.viewport().width() >= 860 else 1)

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
        result: dict[str, Any] = view.result
        metrics: dict[str, float] = result.get("metrics", {})
        score = float(result.get("skin_score", 0.0))
        self.ring.set_score(score)
        self.skin_type.setText(f"Skin type: {words(str(result.get('skin_type', '')))}")
        tone = result.get("skin_tone", {})
        monk = int(tone.get("monk", 5))
        self.swatch.setStyleSheet(
            f"background: {MONK[max(1, min(10, monk)) - 1]}; border-radius: 17px;"
        )
        self.tone.setText(
            f"Skin tone: {words(str(tone.get('category', '')))} (Monk {monk}, ITA {float(tone.get('ita_deg', 0)):.0f}°)"
        )
        if view.previous_score is not None:
            delta = score - view.previous_score
            self.since.setText(
                f"{'+' if delta >= 0 else '-'}{abs(delta):.0f} points since your visit on {view.previous_date}"
            )
        else:
            self.since.setText("")
        self.derm.setText("Some findings are marked. Please show this report to a dermatologist.")
        self.derm.setVisible(bool(result.get("see_dermatologist")))
        names = list(metrics)
        self.radar.set_data(
            [view.labels.get(n, words(n)) for n in names],
            [goodness(view, n, float(metrics[n])) for n in names],
            [goodness(view, n, float(view.previous[n])) for n in names]
            if view.previous and all(n in view.previous for n in names)
            else None,
        )
        found = result.get("conditions", [])
        self.condition_list.setText(
            "\n".join(f"• {words(c['name'])}: {c['severity']}" for c in found)
            or "Nothing stands out. Keep up your routine."
        )
        for row, name in zip(self.measures, names, strict=False):
            row.show(view, name, float(metrics[name]))
        for row in self.measures[len(names) :]:
            row.setVisible(False)
        self.recommendations.setText("\n".join(f"• {r}" for r in result.get("recommendations", [])))
        routine = result.get("routine", {})
        self.morning.setText(
            "Morning\n"
            + "\n".join(f"{i}. {s}" for i, s in enumerate(routine.get("morning", []), 1))
        )
        self.evening.setText(
            "Evening\n"
            + "\n".join(f"{i}. {s}" for i, s in enumerate(routine.get("evening", []), 1))
        )
        saved = "Your results are saved." if view.saved else "Nothing from this visit is stored."
        self.note.setText(f"{result.get('disclaimer', '')} {saved}")
        initial = max(metrics, key=lambda n: 100 - goodness(view, n, float(metrics[n])), default="")
        self.photo.show_view(view, initial=initial)

    def clear(self) -> None:
        self.photo.clear()
        self.ring.set_score(None)
        self.radar.set_data([], [], None)
        for widget in (
            self.skin_type,
            self.tone,
            self.since,
            self.condition_list,
            self.recommendations,
            self.morning,
            self.evening,
            self.note,
            self.derm,
        ):
            widget.setText("")
        self.swatch.setStyleSheet("")
        for row in self.measures:
            row.name.setText("")
            row.meaning.setText("")
            row.change.setText("")
            row.gauge.set_value(0.0, goodness=100.0)
