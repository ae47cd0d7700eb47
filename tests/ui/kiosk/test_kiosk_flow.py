"""The whole walk-up flow with the demo face: guest, signed-in patient, consent refused, cancel."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import select

from core.storage.models import ConsentRecord, SkinAnalysisResult
from tests.helpers.kiosk import (
    PASSWORD,
    TIMEOUT,
    go_to_capture,
    pump,
    stored_counts,
    wait_for_results,
)
from ui.kiosk.ports import ConsentChoice


def test_guest_with_consent_is_stored_then_purged_at_reset(qtbot, make_window, ctx):
    win = make_window("demo")
    go_to_capture(qtbot, win)
    wait_for_results(qtbot, win)
    stages = win.analysing.stages()
    # The engine's own stages, in order, between the kiosk's check and its drawing step.
    engine = [
        "Reading the photo",
        "Finding your face",
        "Measuring redness",
        "Preparing your advice",
    ]
    assert [s for s in stages if s in engine] == engine
    assert stages[0] == "Checking the photo" and "Drawing the heat maps" in stages
    assert "Saving your results" in win.analysing.stages()
    score = win.view.result.score.value
    assert 0 <= score <= 100
    assert win.results.ring.score == score
    assert win.results.photo.current in win.view.overlays  # a heat map is on at first
    assert "not a medical diagnosis" in win.results.note.text()
    with ctx.database.read() as session:
        rows = session.scalars(select(SkinAnalysisResult)).all()
        assert len(rows) == 1 and rows[0].user_id is None and rows[0].image_sha256
        consent = session.scalars(select(ConsentRecord)).one()
        assert consent.granted and consent.allow_storage and consent.text_version
        assert consent.retention_days == 0
    win.results.finish_button.click()
    assert win.stack.currentWidget() is win.attract
    qtbot.waitUntil(lambda: stored_counts(ctx)["analyses"] == 0, timeout=TIMEOUT)
    assert stored_counts(ctx)["images"] == 0  # guest retention 0 days: purged at the end


def test_signed_in_patient_sees_change_since_previous_visit(qtbot, make_window, ctx):
    user_id = ctx.auth.register(
        email="maya@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    win = make_window("demo")
    for visit in range(2):
        go_to_capture(qtbot, win, email="maya@example.com")
        wait_for_results(qtbot, win)
        if visit == 0:
            assert win.view.previous is None and win.results.since.text() == ""
            win.results.finish_button.click()
    assert win.view.previous is not None
    assert "since your visit on" in win.results.since.text()
    assert any(row.change.text() for row in win.results.measures)
    with ctx.database.read() as session:
        rows = session.scalars(select(SkinAnalysisResult)).all()
        assert [r.user_id for r in rows] == [uuid.UUID(str(user_id))] * 2
    win.results.finish_button.click()
    pump(qtbot, 0.5)
    assert stored_counts(ctx)["analyses"] == 2  # a patient's visits are kept


def test_refused_consent_shows_results_but_stores_nothing(qtbot, make_window, ctx, tmp_path):
    win = make_window("demo")
    go_to_capture(qtbot, win, choice=ConsentChoice(granted=False))
    wait_for_results(qtbot, win)
    assert "Nothing from this visit is stored" in win.results.note.text()
    assert "Saving your results" not in win.analysing.stages()
    counts = stored_counts(ctx)
    assert counts["analyses"] == 0 and counts["images"] == 0 and counts["emails"] == 0
    with ctx.database.read() as session:
        answer = session.scalars(select(ConsentRecord)).one()
        assert answer.granted is False and answer.allow_storage is False
    assert not any((tmp_path / "data" / "images").rglob("*")), "no photo file may be written"


def test_cancel_while_analysing_goes_back_to_capture_and_stores_nothing(
    qtbot, make_window, services, ctx
):
    services.gate = threading.Event()
    win = make_window("demo")
    go_to_capture(qtbot, win)
    qtbot.waitUntil(lambda: win.analysing.stages() == ["Waiting for the test"], timeout=TIMEOUT)
    win.capture.hold_seconds = 60.0  # no new capture while we watch for the cancelled one
    win.analysing.cancel_button.click()
    assert win.stack.currentWidget() is win.capture
    services.gate.set()
    pump(qtbot, 1.0)
    assert win.stack.currentWidget() is win.capture  # the late result never shows
    assert stored_counts(ctx)["analyses"] == 0
    services.gate = None
    win.capture.hold_seconds = 0.3
    wait_for_results(qtbot, win)  # the capture restarted and auto-captures again
