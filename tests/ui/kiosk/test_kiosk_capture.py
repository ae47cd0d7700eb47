"""Guided capture: auto-capture only when the engine's checks pass, problems said on screen,
recovery from a missing or unplugged camera without a restart, manual capture (photo import from a
USB stick is in test_kiosk_photo_import.py)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF

from core.capture import DemoSource
from core.vocabulary import instruction
from core.vocabulary.instructions import INSTRUCTIONS
from tests.helpers.faces import FaceGeometry, sunglasses
from tests.helpers.kiosk import (
    TIMEOUT,
    EditedSource,
    FlakySource,
    black,
    blurred,
    darkened,
    go_to_capture,
    pump,
    wait_for_results,
)
from ui.kiosk.capture import CHECKLIST


def test_nothing_is_ticked_while_no_face_is_in_view(qtbot, make_window, services):
    """With no face found, only "face found" was judged: the other rows wait instead of showing
    ticks for checks nobody could make; once the face is in view they are judged."""
    source = EditedSource(blurred)
    services.cameras["cam"] = source
    win = make_window("test:cam")
    go_to_capture(qtbot, win)
    looking = instruction("look_at_camera")
    qtbot.waitUntil(lambda: win.capture.instruction() == looking, timeout=TIMEOUT)
    states = [item.property("state") for item in win.capture.checklist]
    assert states == ["bad"] + ["wait"] * (len(CHECKLIST) - 1)
    assert all(item.text().startswith("○") for item in win.capture.checklist[1:])
    source.edit = None
    qtbot.waitUntil(
        lambda: all(i.property("state") != "wait" for i in win.capture.checklist), timeout=TIMEOUT
    )
    assert win.capture.checklist[0].property("state") == "ok"


def test_auto_capture_waits_for_quality_then_fires(qtbot, make_window, services):
    source = EditedSource(blurred)
    services.cameras["cam"] = source
    win = make_window("test:cam")
    taken: list[bool] = []
    win.capture.captured.connect(lambda _photo, auto: taken.append(auto))
    go_to_capture(qtbot, win)
    qtbot.waitUntil(lambda: win.capture.instruction() not in ("", "Hold still"), timeout=TIMEOUT)
    pump(qtbot, 2.0)
    assert taken == [] and win.stack.currentWidget() is win.capture
    words = (
        "Come near the camera and look at it, with your face uncovered"  # the engine's own words
    )
    assert win.capture.instruction() == words
    source.edit = darkened
    qtbot.waitUntil(lambda: "light" in win.capture.instruction().lower(), timeout=TIMEOUT)
    pump(qtbot, 1.5)
    assert taken == []
    assert any(i.property("state") == "bad" for i in win.capture.checklist)
    source.edit = None
    qtbot.waitUntil(lambda: taken == [True], timeout=TIMEOUT)
    wait_for_results(qtbot, win)


def test_a_face_that_never_passes_says_why_and_offers_manual_capture(qtbot, make_window, services):
    services.cameras["dark"] = EditedSource(darkened)
    win = make_window("test:dark")
    go_to_capture(qtbot, win)
    win.capture.stuck_seconds = 1.0
    qtbot.waitUntil(win.capture.hint.isVisible, timeout=TIMEOUT)
    assert "add light or face the light" in win.capture.hint.text()
    assert "take the photo now" in win.capture.hint.text()
    assert win.capture.capture_button.isEnabled()
    win.capture.capture_button.click()
    qtbot.waitUntil(
        lambda: win.stack.currentWidget() in (win.results, win.capture) and win.photo is not None,
        timeout=TIMEOUT,
    )
    qtbot.waitUntil(lambda: win.stack.currentWidget() is not win.analysing, timeout=TIMEOUT)
    if win.stack.currentWidget() is win.capture:  # the engine may refuse so dark a photo
        assert win.capture.hint.text()


def test_black_frames_are_reported_and_never_captured(qtbot, make_window, services):
    source = EditedSource(black)
    services.cameras["black"] = source
    win = make_window("test:black")
    go_to_capture(qtbot, win)
    qtbot.waitUntil(win.capture.problem.isVisible, timeout=TIMEOUT)
    assert "only black" in win.capture.problem.text()
    assert not win.capture.capture_button.isEnabled()
    source.edit = None  # lens cover off
    qtbot.waitUntil(lambda: not win.capture.problem.isVisible(), timeout=TIMEOUT)
    wait_for_results(qtbot, win)


def test_frozen_frames_are_reported(qtbot, make_window, services):
    services.cameras["frozen"] = DemoSource(still=True)
    win = make_window("test:frozen")
    win.capture.hold_seconds = 60.0
    go_to_capture(qtbot, win)
    qtbot.waitUntil(win.capture.problem.isVisible, timeout=TIMEOUT)
    assert "frozen" in win.capture.problem.text()


def test_missing_camera_is_explained_then_recovers_without_restart(qtbot, make_window, services):
    source = FlakySource(fail_open=True)
    services.cameras["flaky"] = source
    win = make_window("test:flaky")
    go_to_capture(qtbot, win)
    qtbot.waitUntil(win.capture.problem.isVisible, timeout=TIMEOUT)
    assert "No camera was found" in win.capture.problem.text()
    assert win.capture.demo_button.isVisible() and win.capture.import_button.isVisible()
    source.healthy.set()  # plugged in
    qtbot.waitUntil(lambda: not win.capture.problem.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(win.capture.preview.has_picture, timeout=TIMEOUT)
    wait_for_results(qtbot, win)


def test_camera_unplugged_mid_capture_recovers(qtbot, make_window, services):
    source = FlakySource(fail_open=False)
    services.cameras["unplug"] = source
    win = make_window("test:unplug")
    win.capture.hold_seconds = 60.0
    go_to_capture(qtbot, win)
    qtbot.waitUntil(win.capture.problem.isVisible, timeout=TIMEOUT)
    assert "stopped sending pictures" in win.capture.problem.text()
    source.healthy.set()
    qtbot.waitUntil(lambda: not win.capture.problem.isVisible(), timeout=TIMEOUT)
    win.capture.hold_seconds = 0.3
    wait_for_results(qtbot, win)


def test_no_camera_at_all_offers_demo_camera(qtbot, make_window):
    win = make_window("webcam:9")
    go_to_capture(qtbot, win)
    qtbot.waitUntil(win.capture.problem.isVisible, timeout=TIMEOUT)
    assert win.capture.demo_button.isVisible()
    win.capture.demo_button.click()
    wait_for_results(qtbot, win)


def test_sunglasses_hold_the_photo_back_with_their_own_row_and_words(qtbot, make_window, services):
    """The live check asks for sunglasses off (not for more light), the checklist shows which row
    fails, and the photo is taken by itself once the eyes show."""
    frame = DemoSource()
    frame.open()
    geometry = FaceGeometry(frame.read().rgb)
    source = EditedSource(lambda rgb: sunglasses(rgb, geometry))
    services.cameras["shades"] = source
    win = make_window("test:shades")
    taken: list[bool] = []
    win.capture.captured.connect(lambda _photo, auto: taken.append(auto))
    go_to_capture(qtbot, win)
    wanted = instruction("remove_sunglasses")
    qtbot.waitUntil(lambda: win.capture.instruction() == wanted, timeout=TIMEOUT)
    pump(qtbot, 1.5)
    assert taken == [] and win.stack.currentWidget() is win.capture
    states = {i.text()[3:]: i.property("state") for i in win.capture.checklist}
    eyes_row = next(text for text, names in CHECKLIST if "eyes_visible" in names)
    assert states[eyes_row] == "bad"
    assert states["Even, bright light"] == "ok"  # judged by the skin, not the hidden eyes
    source.edit = None
    qtbot.waitUntil(lambda: taken == [True], timeout=TIMEOUT)
    wait_for_results(qtbot, win)


def test_every_instruction_fits_the_preview(qtbot, make_window):
    """The longest instructions ("Move back from the camera: your whole face must fit...") shrink
    or wrap inside their box and the box inside the picture: none is cut off at the kiosk's size
    or on a small window."""
    for size in ((1280, 800), (1024, 600)):
        win = make_window(size=size)
        preview = win.capture.preview
        preview.resize(preview.width(), preview.height())  # laid out at the window's size
        for text in INSTRUCTIONS.values():
            preview.set_guidance("adjust", text.format(side="left"))
            font, box, inner = preview.instruction_layout()
            needed = QFontMetricsF(font).boundingRect(
                QRectF(0, 0, inner.width(), 10_000),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                preview.instruction(),
            )
            assert needed.width() <= inner.width() + 0.5 and needed.height() <= inner.height()
            assert QRectF(preview.rect()).contains(box), (size, text)
            assert font.pixelSize() >= 20
