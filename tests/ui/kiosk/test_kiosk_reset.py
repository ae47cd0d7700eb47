"""Idle: a 10-second warning, then a reset that leaves no trace of the patient in any widget."""

from __future__ import annotations

from pathlib import Path

import cv2
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTextEdit, QWidget

from core import vocabulary as vocab
from tests.helpers.kiosk import PASSWORD, TIMEOUT, go_to_capture, wait_for_results
from ui.kiosk.charts import Gauge, RadarChart, ScoreRing
from ui.kiosk.overlay_photo import PhotoCanvas
from ui.kiosk.preview import PreviewWidget


def _texts(root: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in root.findChildren(QLabel):
        texts.append(widget.text())
        assert widget.pixmap().isNull() or widget.objectName() == "logo", widget.objectName()
    texts += [w.text() for w in root.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in root.findChildren(QTextEdit)]
    texts += [w.text() for w in root.findChildren(QAbstractButton)]
    return texts


def _assert_forgotten(win, *, name: str, email: str, score: float) -> None:
    texts = _texts(win)
    for secret in (name, email, name.split()[0], email.split("@")[0]):
        assert not any(secret.lower() in t.lower() for t in texts), secret
    assert f"{score:.0f}" not in texts
    assert not any("since your visit" in t or "Queued for" in t for t in texts)
    rests_on = vocab.SCORE_FROM_SOME.split("{every}")[1]  # " measures: the photo could not..."
    assert not any(rests_on in t for t in texts)
    assert vocab.skin_type_reason(vocab.UNDETERMINED) not in texts
    assert win.results.score_uses.isHidden() and win.results.type_reason.isHidden()
    assert win.results.left_out.isHidden() and not any(": left out \u2014 " in t for t in texts)
    assert all(not w.toolTip() for w in win.results.findChildren(QLabel))
    assert win.results.results_scroll.verticalScrollBar().value() == 0  # not where they read
    for canvas in win.findChildren(PhotoCanvas):
        assert canvas.photo is None and canvas.layer is None
    for preview in win.findChildren(PreviewWidget):
        assert not preview.has_picture()
    assert all(r.score is None for r in win.findChildren(ScoreRing))
    assert all(g.level is None for g in win.findChildren(Gauge))
    assert all(not r.values for r in win.findChildren(RadarChart))
    assert win.patient is None and win.photo is None and win.view is None
    assert win.takeaway_actions.pdf is None
    assert win.analysing.photo.pixmap().isNull()
    assert win.feed.snapshot(prefer_passed=False) is None


def test_idle_warning_then_reset_forgets_everything(qtbot, make_window, ctx):
    ctx.auth.register(
        email="maya.ortiz@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    win = make_window("demo")
    go_to_capture(qtbot, win, email="maya.ortiz@example.com")
    wait_for_results(qtbot, win)
    score = win.view.result.score.value
    win.open_takeaway()
    qtbot.waitUntil(lambda: win.takeaway_actions.pdf is not None, timeout=TIMEOUT)
    assert win.takeaway.address.text() == "maya.ortiz@example.com"
    win.idle.idle_seconds = 1
    win.idle.warning_seconds = 2
    win.idle.touch()
    qtbot.waitUntil(win.idle_overlay.isVisible, timeout=TIMEOUT)
    assert win.idle_overlay.count.text() in {"1", "2"}
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.attract, timeout=TIMEOUT)
    assert not win.idle_overlay.isVisible()
    _assert_forgotten(win, name="Maya Ortiz", email="maya.ortiz@example.com", score=score)


def test_touch_during_the_warning_keeps_the_visit(qtbot, make_window):
    win = make_window("demo")
    go_to_capture(qtbot, win)
    wait_for_results(qtbot, win)
    win.idle.idle_seconds = 1
    win.idle.warning_seconds = 5
    win.idle.touch()
    qtbot.waitUntil(win.idle_overlay.isVisible, timeout=TIMEOUT)
    win.idle_overlay.button.click()
    assert not win.idle_overlay.isVisible()
    assert win.stack.currentWidget() is win.results and win.view is not None


def test_finish_forgets_what_a_small_photo_s_score_rests_on(
    qtbot, make_window, services, ctx, astronaut, tmp_path: Path
):
    """A photo from a USB stick too small for most measures: the results say the score rests on 2
    of the 10 and why the skin type is not determined; Finish leaves neither on screen."""
    ctx.auth.register(
        email="maya.ortiz@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    stick = tmp_path / "stick"
    stick.mkdir()
    cv2.imwrite(str(stick / "selfie.png"), cv2.cvtColor(astronaut, cv2.COLOR_RGB2BGR))
    services.drives = [("KINGSTON", stick)]
    win = make_window("webcam:9")  # no camera: the photo comes from the stick
    go_to_capture(qtbot, win, email="maya.ortiz@example.com")
    qtbot.waitUntil(win.capture.import_button.isVisible, timeout=TIMEOUT)
    win.capture.import_button.click()
    qtbot.waitUntil(lambda: len(win.photos.tiles) == 1, timeout=TIMEOUT)
    win.photos.tiles[0].click()
    wait_for_results(qtbot, win)
    shown = win.results
    assert shown.score_uses.isVisible() and shown.type_reason.isVisible()
    assert shown.score_uses.text() == (
        "From 2 of 10 measures: the photo could not support the others."
    )
    assert shown.type_reason.text() == vocab.skin_type("unknown").meaning
    score = win.view.result.score.value
    bar = shown.results_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())  # read down to the measures
    assert bar.value() > 0
    shown.finish_button.click()
    assert win.stack.currentWidget() is win.attract
    _assert_forgotten(win, name="Maya Ortiz", email="maya.ortiz@example.com", score=score)
