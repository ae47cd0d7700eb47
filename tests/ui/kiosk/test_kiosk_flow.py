"""The whole walk-up flow with the demo face: guest, signed-in patient, consent refused, cancel."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

from sqlalchemy import select

from app.kiosk.screenshots import last_visit_without_chin
from core.capture import DemoSource
from core.storage.models import ConsentRecord, SkinAnalysisResult
from core.storage.results import save_analysis
from tests.helpers.kiosk import (
    PASSWORD,
    TIMEOUT,
    go_to_capture,
    pump,
    stored_counts,
    wait_for_results,
)
from tests.helpers.sync.world import analysis_result
from ui.kiosk.ports import ConsentChoice, Patient


def test_a_guest_sees_results_and_nothing_is_stored(qtbot, make_window, ctx, tmp_path):
    win = make_window("demo")
    win.attract.start_button.click()
    win.sign_in.guest_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen, timeout=TIMEOUT)
    consent = win.consent_screen
    assert not consent.store.isVisible() and not consent.sync.isVisible()
    assert not consent.refuse.isVisible() and "nothing is kept" in consent.guest_note.text()
    consent.store.setChecked(True)  # even a choice a guest cannot see keeps nothing
    consent.agree.click()
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
    assert "Saving your results" not in stages
    score = win.view.result.score.value
    assert 0 <= score <= 100
    assert win.results.ring.score == score
    assert win.results.photo.current in win.view.overlays  # a heat map is on at first
    assert "not a medical diagnosis" in win.results.note.text()
    assert stored_counts(ctx) == {"analyses": 0, "images": 0, "emails": 0, "consents": 1}
    with ctx.database.read() as session:
        answer = session.scalars(select(ConsentRecord)).one()
        assert answer.user_id is None and not answer.allow_storage and not answer.allow_sync
        assert answer.retention_days == 0 and answer.text_version == "kiosk-2026.2"
    assert not any((tmp_path / "data" / "images").rglob("*.*")), "no photo file may be written"
    win.results.finish_button.click()
    assert win.stack.currentWidget() is win.attract


def test_the_reset_purges_guest_captures_an_older_version_kept(qtbot, make_window, ctx):
    """Older kiosks kept guests' captures for a configurable number of days."""
    with ctx.database.write() as session:
        save_analysis(
            session, ctx.images, result=analysis_result(70.0), user_id=None,
            image=b"a guest's photo",
        )  # fmt: skip
    assert stored_counts(ctx)["analyses"] == 1 and stored_counts(ctx)["images"] == 1
    win = make_window("demo")
    win.reset()
    qtbot.waitUntil(lambda: stored_counts(ctx)["analyses"] == 0, timeout=TIMEOUT)
    assert stored_counts(ctx)["images"] == 0


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


def test_a_returning_patient_sees_a_change_on_different_skin_like_for_like(qtbot, make_window, ctx):
    """The last visit's photo was cut through the chin: through the real window, today's results
    show those changes read again without the chin, marked *, with the note saying so."""
    user_id = ctx.auth.register(
        email="maya@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    maya = Patient(str(user_id), "maya@example.com", "Maya Ortiz")
    source = DemoSource()
    source.open()
    face = source.read().rgb
    source.close()
    last_visit_without_chin(ctx, maya, face)
    win = make_window("demo")
    go_to_capture(qtbot, win, email="maya@example.com")
    wait_for_results(qtbot, win)
    assert win.view.read_again == "without the chin" and win.view.like_for_like
    marked = [r.change.text() for r in win.results.measures if r.change.text().endswith(" *")]
    assert len(marked) == len(set(win.view.like_for_like) - {"skin_score"}) >= 3
    assert win.results.read_again.isVisible()
    assert "without the chin, which only one of them showed" in win.results.read_again.text()
    assert win.results.since.text().endswith("*")
    win.results.finish_button.click()
    pump(qtbot, 0.5)
    assert win.results.read_again.text() == "" and not win.results.read_again.isVisible()


def test_refused_consent_shows_results_but_stores_nothing(qtbot, make_window, ctx, tmp_path):
    ctx.auth.register(
        email="maya@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    win = make_window("demo")
    go_to_capture(qtbot, win, choice=ConsentChoice(granted=False), email="maya@example.com")
    wait_for_results(qtbot, win)
    assert "Nothing from this visit is stored" in win.results.note.text()
    assert "Saving your results" not in win.analysing.stages()
    counts = stored_counts(ctx)
    assert counts["analyses"] == 0 and counts["images"] == 0 and counts["emails"] == 0
    with ctx.database.read() as session:
        answer = session.scalars(select(ConsentRecord)).one()
        assert answer.granted is False and answer.allow_storage is False
        assert answer.user_id is not None
    assert not any((tmp_path / "data" / "images").rglob("*")), "no photo file may be written"


def test_cancel_while_analysing_goes_back_to_capture_and_stores_nothing(
    qtbot, make_window, services, ctx
):
    ctx.auth.register(
        email="maya@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    services.gate = threading.Event()
    win = make_window("demo")
    go_to_capture(qtbot, win, email="maya@example.com")  # consents to keep her results
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
    qtbot.waitUntil(lambda: stored_counts(ctx)["analyses"] == 1, timeout=TIMEOUT)


def test_the_kiosk_loads_the_face_models_at_start_not_at_the_first_analysis(qtbot, make_window):
    """Loading dlib's small-face detector holds Python's lock for ~0.3-0.5 s; a two-thread face
    search may reach it on any photo, so the kiosk loads it at start, off the UI thread."""
    from core.analysis.small_faces import small_face_detector

    small_face_detector.cache_clear()
    make_window("demo")
    qtbot.waitUntil(lambda: small_face_detector.cache_info().currsize == 1, timeout=TIMEOUT)


def test_heat_map_chips_are_kept_between_analyses(qtbot, make_window):
    """The chips under the photo are made once per measure and shown again for the next
    analysis (new styled buttons for every visit cost the results screen UI-thread time); a
    measure without a heat map in the next analysis has its chip hidden, and a reset hides all."""
    win = make_window("demo")
    win.attract.start_button.click()
    win.sign_in.guest_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen, timeout=TIMEOUT)
    win.consent_screen.agree.click()
    wait_for_results(qtbot, win)
    photo = win.results.photo
    first = {c.property("metric"): c for c in photo.group.buttons() if c.isVisible()}
    assert set(first) == set(win.view.overlays)
    dropped = sorted(first)[0]
    fewer = {k: v for k, v in win.view.overlays.items() if k != dropped}
    photo.show_view(replace(win.view, overlays=fewer))
    again = {c.property("metric"): c for c in photo.group.buttons()}
    assert all(again[k] is first[k] for k in first)
    assert {k for k, c in again.items() if c.isVisible()} == set(fewer)
    win.results.finish_button.click()
    assert not any(c.isVisible() for c in photo.group.buttons())
