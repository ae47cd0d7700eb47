"""Render every kiosk screen to a PNG with realistic data: the demo face, a real analysis, a
throw-away data directory. ``render_kiosk_screens(out_dir, size=(1920, 1080))`` returns the files."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from app.context import AppContext
from app.kiosk.services import KioskAppServices
from core.capture import DemoSource, Frame
from core.config import load_settings
from ui.kiosk.ports import ConsentChoice, Patient

CLINIC = "Rue Cler Dermatology"
DEMO_PIN = "246810"
LOCKED_MESSAGE = (
    "This account is locked after 5 failed sign-in attempts. "
    "Try again in 15 minutes, or ask an administrator to unlock it."
)


class _DimDemo(DemoSource):
    """The demo face in a dim room, so the capture screen has an instruction to show."""

    def read(self) -> Frame:
        frame = super().read()
        return Frame((frame.rgb * 0.12).astype(np.uint8), frame.timestamp, frame.index)


class _ShotServices(KioskAppServices):
    """The real services, with a dim demo camera when asked."""

    far = False
    stick: Path | None = None

    def removable_folders(self) -> list[tuple[str, Path]]:
        return [("KINGSTON", self.stick)] if self.stick is not None else []

    def open_camera(self, spec: str) -> Any:
        if spec == "demo" and self.far:
            return _DimDemo()
        return super().open_camera(spec)


def _stick(folder: Path, photo: Any) -> Path:
    """A USB stick as a phone leaves it: two photos of the demo face."""
    # lazy: OpenCV loads only when screens are rendered
    import cv2

    for name, scale in (("DCIM/100APPLE/IMG_0412.JPG", 1.0), ("selfie.png", 0.5)):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        small = cv2.resize(photo, None, fx=scale, fy=scale)
        cv2.imwrite(str(target), cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    return folder


def last_visit_without_chin(ctx: AppContext, patient: Patient, photo: Any) -> None:
    """A stored visit of ``patient`` a month ago, its photo (``photo`` as a capture framed too low
    gives it) cut by the frame through the chin: the screenshots' and the tests' returning
    patient."""
    # lazy: the engine loads only when screens are rendered
    from app.framing import without_chin
    from app.kiosk.worker import measure
    from core.imaging import thumbnail_jpeg
    from core.storage.results import save_analysis

    cut = without_chin(photo, measure(photo).result["face"]["box"])  # type: ignore[index]
    earlier = measure(cut)
    taken = datetime.now(UTC) - timedelta(days=30)
    with ctx.database.write() as session:
        save_analysis(
            session,
            ctx.images,
            result={**earlier.result, "created_at": taken.isoformat()},
            user_id=uuid.UUID(patient.user_id),
            image=earlier.jpeg,
            thumbnail=thumbnail_jpeg(cut),
            image_size=(cut.shape[1], cut.shape[0]),
        )


def render_kiosk_screens(out_dir: Path, *, size: tuple[int, int] = (1920, 1080)) -> list[Path]:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # lazy: Qt loads only when a window opens, so the CLI starts without it
    from PySide6.QtWidgets import QApplication

    from ui.background import Pools
    from ui.events import pump
    from ui.kiosk.window import KioskWindow

    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="skinlab-kiosk-shots-") as scratch:
        ctx = AppContext(load_settings(data_dir=Path(scratch), clinic_name=CLINIC))
        services = _ShotServices(ctx)
        services.set_pin(DEMO_PIN)
        pools = Pools()
        win = KioskWindow(services, pools, camera="demo")
        win.resize(*size)
        win.show()

        def shot(name: str) -> None:
            pump(app, 0.25)
            path = out_dir / f"kiosk-{name}.png"
            win.grab().save(str(path))
            written.append(path)

        try:
            win.start()
            pump(app, 10, lambda: win.config.clinic_name == CLINIC)
            shot("attract")
            win.begin_visit()
            win.sign_in.email.setText("maya.ortiz@example.com")
            shot("sign-in")
            win.keyboard.show_for(win.sign_in.password)  # as a touch on the field brings it up
            shot("sign-in-keyboard")
            win.keyboard.set_accents(True)
            shot("sign-in-keyboard-accents")
            win.keyboard.hide_keyboard()
            win.resize(1280, 800)  # the smallest kiosk screen, with the longest sign-in error
            win.sign_in.show_error(LOCKED_MESSAGE)
            shot("sign-in-error-1280")
            win.sign_in.show_error("")
            win.resize(*size)
            win._identified(None)
            pump(app, 10, lambda: win.stack.currentWidget() is win.consent_screen)
            shot("consent")
            maya = services.register(
                email="maya.ortiz@example.com", first_name="Maya", last_name="Ortiz",
                password="a long demo password",
            )  # fmt: skip
            win.reset()
            win.begin_visit()
            win._identified(maya)
            pump(app, 10, lambda: win.stack.currentWidget() is win.consent_screen)
            shot("consent-patient")
            win.reset()
            win.consent = ConsentChoice(granted=True, allow_storage=True)
            services.far = True
            win.capture.hold_seconds = 60.0
            win.start_capture()
            pump(app, 15, lambda: win.capture.instruction() not in ("", "Hold still"))
            pump(app, 0.5)
            shot("capture-instruction")
            services.far = False
            win.capture.hold_seconds = 2.4
            win.capture.begin("demo")
            pump(app, 15, lambda: win.capture.preview._progress > 0.45)
            shot("capture-countdown")
            photo = win.feed.snapshot(prefer_passed=True)
            win.capture.end()
            assert photo is not None
            win.analysing.begin(photo)
            win.analysing.show_stage("Checking the photo")
            win.analysing.show_stage("Measuring redness")
            win.show_screen(win.analysing)
            shot("analysing")
            win.capture.hold_seconds = 0.3
            win.analyse_photo(photo)
            pump(app, 30, lambda: win.stack.currentWidget() is win.results)
            shot("results")
            win.results.photo.select("redness")
            shot("results-redness")
            win.open_takeaway()
            pump(
                app,
                30,
                lambda: (
                    win.takeaway_actions.pdf is not None
                    or "not available" in win.takeaway.summary.text()
                ),
            )
            shot("take-away")
            win.takeaway.print_report.emit()
            win._idle_warning(7)
            shot("idle-warning")
            win.reset()
            last_visit_without_chin(ctx, maya, photo)
            win.patient = maya  # back a month later; that visit's photo cut through the chin
            win.consent = ConsentChoice(granted=True, allow_storage=False)
            win.analyse_photo(photo)
            pump(app, 30, lambda: win.stack.currentWidget() is win.results)
            pump(app, 0.3)  # laid out, so that the note under the measures can be scrolled to
            win.results.results_scroll.ensureWidgetVisible(win.results.read_again, 0, 40)
            shot("results-returning")
            win.reset()
            win.camera_override = "webcam:7"
            win.begin_visit()
            win.start_capture()
            pump(app, 15, lambda: win.capture.problem.isVisible())
            shot("camera-missing")
            services.stick = _stick(Path(scratch) / "stick", photo)
            win.open_photo_picker()
            pump(app, 15, lambda: bool(win.photos.tiles))
            shot("photo-picker")
            selfie = next(t for t in win.photos.tiles if t.accessibleName() == "selfie.png")
            selfie.click()  # half size: 47 px between the eyes, too small for most measures
            pump(app, 30, lambda: win.stack.currentWidget() is win.results)
            shot("results-small-photo")
            win.reset()
            ctx.auth.register(
                email="dr.lee@example.com", first_name="Ana", last_name="Lee", role="clinician",
                password="a long demo password",
            )  # fmt: skip
            win.begin_visit()
            win.sign_in.email.setText("dr.lee@example.com")
            win._sign_in("dr.lee@example.com", "a long demo password")
            pump(app, 10, lambda: win.sign_in.error.text() != "")
            shot("sign-in-staff")
            win.reset()
            win._open_pin()
            win.pin.pin.setText("••••")
            shot("admin-pin")
            win._check_pin("111111")
            pump(app, 10, lambda: win.pin.error.text() != "")
            shot("admin-pin-wrong")
            services.pins.clock = lambda: time.time() + 60  # past the wait after a wrong PIN
            win._check_pin(DEMO_PIN)
            pump(app, 10, lambda: win.stack.currentWidget() is win.admin)
            pump(app, 2, lambda: win.admin.sync_headline.text() != "")
            shot("admin")
        finally:
            win.shut_down()
            win.feed.wait(3.0)
            pools.wait()
            ctx.close()
    return written
