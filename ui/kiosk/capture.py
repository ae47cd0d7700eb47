"""Guided capture: live preview, one instruction at a time from the engine's checks, auto-capture
after every check has passed for about a second (with a countdown), manual capture, and camera
problems on screen with automatic recovery."""

from __future__ import annotations

import time

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from ui.kiosk.camera import CameraFeed
from ui.kiosk.ports import RGB, FrameCheck
from ui.kiosk.preview import PreviewWidget
from ui.kiosk.widgets import Header, button, label

HOLD_SECONDS = 1.2
"""Every check must pass this long before the photo is taken by itself."""
STUCK_SECONDS = 12.0
"""After this long without passing, say so and point at the manual button."""
STALE_SECONDS = 1.0
CHECKLIST = (
    ("Face found, close enough", ("face_found", "face_size")),
    ("In the middle", ("centring",)),
    ("Facing the camera, head level", ("head_roll", "head_yaw", "head_pitch")),
    ("Sharp picture", ("sharpness",)),
    ("Face uncovered: no sunglasses or mask", ("eyes_visible", "mouth_visible")),
    ("Even, bright light", ("exposure", "highlights_clipped", "shadows_clipped", "light_evenness")),
)
"""The engine's check names grouped into what a person can picture."""


class CaptureScreen(QWidget):
    captured = Signal(object, bool)  # RGB photo, taken automatically
    cancelled = Signal()
    import_photo = Signal()  # a photo from a USB stick instead of the camera
    use_demo = Signal()

    def __init__(self, feed: CameraFeed, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self.hold_seconds = HOLD_SECONDS
        self.stuck_seconds = STUCK_SECONDS
        self._hold_since: float | None = None
        self._started = 0.0
        self._last_check = 0.0
        self._problem = ""
        self._check: FrameCheck | None = None
        self._armed = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = Header("Your photo")
        self.cancel_button = button("Start over", "ghost")
        self.header.add_action(self.cancel_button)
        outer.addWidget(self.header)

        body = QHBoxLayout()
        body.setContentsMargins(32, 24, 32, 24)
        body.setSpacing(28)
        outer.addLayout(body, 1)
        self.preview = PreviewWidget()
        body.addWidget(self.preview, 3)

        side = QFrame()
        side.setObjectName("sidePanel")
        panel = QVBoxLayout(side)
        panel.setContentsMargins(28, 24, 28, 24)
        panel.setSpacing(6)
        self.step_title = label("Fit your face in the outline", "panelTitle")
        self.step_text = label(
            "Look straight at the camera. The photo is taken by itself when everything is right.",
            "panelText",
        )
        self.status = label("", "status")
        self.problem = label("", "problem")
        self.problem.setVisible(False)
        self.hint = label("", "hint")
        self.hint.setVisible(False)
        panel.addWidget(self.step_title)
        panel.addWidget(self.step_text)
        self.checklist = []
        for text, _names in CHECKLIST:
            item = label(text, "checkItem")
            self.checklist.append(item)
            panel.addWidget(item)
        panel.addSpacing(8)
        panel.addWidget(self.status)
        panel.addWidget(self.problem)
        panel.addWidget(self.hint)
        panel.addStretch(1)
        self.demo_button = button("Use the demo camera", "secondary")
        self.import_button = button("Photo from a USB stick", "secondary")
        self.capture_button = button("Take the photo now", "primary", height=80)
        for widget in (self.demo_button, self.import_button):
            widget.setVisible(False)
            panel.addWidget(widget)
        panel.addWidget(self.capture_button)
        side.setMinimumWidth(400)  # each checklist row on one line at 1280x800
        side.setMaximumWidth(520)
        body.addWidget(side, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(40)
        self.timer.timeout.connect(self._tick)
        feed.frame_ready.connect(self._on_frame)
        feed.check_ready.connect(self._on_check)
        feed.problem.connect(self._on_problem)
        self.preview.resized.connect(feed.set_display_size)
        self.capture_button.clicked.connect(lambda: self._take(automatic=False))
        self.cancel_button.clicked.connect(self.cancelled)
        self.demo_button.clicked.connect(self.use_demo)
        self.import_button.clicked.connect(self.import_photo)

    # -- lifecycle -----------------------------------------------------------------------------
    def begin(self, spec: str) -> None:
        self.clear()
        self._armed = True
        self._started = time.monotonic()
        self.feed.set_display_size(self.preview.size())
        self.feed.start(spec)
        self.status.setText("Starting the camera…")
        self.timer.start()

    def end(self) -> None:
        self._armed = False
        self.timer.stop()
        self.feed.stop()

    def clear(self) -> None:
        self.end()
        self.preview.clear()
        self._hold_since = None
        self._check = None
        self._problem = ""
        for widget in (self.problem, self.hint, self.status):
            widget.setText("")
        self.problem.setVisible(False)
        self.hint.setVisible(False)
        self._show_checklist(None)
        self.demo_button.setVisible(False)
        self.import_button.setVisible(False)
        self.capture_button.setEnabled(True)

    def show_error(self, message: str) -> None:
        """An analysis that failed (no face...) comes back here with its reason."""
        self.hint.setText(message)
        self.hint.setVisible(bool(message))

    # -- camera events -------------------------------------------------------------------------
    def _on_frame(self, image: QImage, size: QSize) -> None:
        if self._armed:
            self.preview.set_frame(image, size)

    def _on_problem(self, message: str) -> None:
        if not self._armed:
            return
        self._set_problem(message, missing=bool(message) and not self.preview.has_picture())

    def _set_problem(self, message: str, *, missing: bool = False) -> None:
        self._problem = message
        self.problem.setText(message)
        self.problem.setVisible(bool(message))
        self.preview.dimmed = bool(message)
        for item in self.checklist:
            item.setVisible(not missing)
        self.step_text.setVisible(not missing)
        self.demo_button.setVisible(missing and self.feed.spec != "demo")
        self.import_button.setVisible(missing)
        self.capture_button.setEnabled(not message)
        if message:
            self._hold_since = None
            self.preview.set_guidance("adjust", message)
            self.status.setText("Waiting for the camera…")

    def _on_check(self, check: FrameCheck) -> None:
        if not self._armed:
            return
        self._check = check
        self._last_check = time.monotonic()
        if check.camera_problem:
            self._set_problem(check.camera_problem)
            return
        if self._problem:
            self._set_problem("")
        self._show_checklist(check)
        if check.ok:
            if self._hold_since is None:
                self._hold_since = time.monotonic()
        else:
            self._hold_since = None
            self.preview.set_guidance("adjust", check.instruction)
            self.status.setText("Almost there")

    def _show_checklist(self, check: FrameCheck | None) -> None:
        """A row is ticked only when its checks were judged and none failed; a row nobody could
        judge yet (no face in view, nothing to look at) waits."""
        for item, (text, names) in zip(self.checklist, CHECKLIST, strict=True):
            if check is None or not set(names) & set(check.judged):
                state = "wait"
            else:
                state = "bad" if set(names) & set(check.failing) else "ok"
            mark = {"wait": "○", "bad": "●", "ok": "✓"}[state]
            item.setText(f"{mark}  {text}")
            item.setProperty("state", state)
            item.style().polish(item)

    def _tick(self) -> None:
        now = time.monotonic()
        if self._hold_since is not None and now - self._last_check > STALE_SECONDS:
            self._hold_since = None  # checks stopped arriving: never count a stale pass
        if self._hold_since is not None:
            progress = (now - self._hold_since) / self.hold_seconds
            left = max(0.0, self.hold_seconds - (now - self._hold_since))
            self.preview.set_guidance("good", "Hold still", progress)
            self.status.setText(f"Taking the photo in {left:.1f} s")
            if progress >= 1.0:
                self._take(automatic=True)
            return
        if self._check is None or self._problem:
            return
        if now - self._started > self.stuck_seconds and not self.hint.isVisible():
            self.hint.setText(
                f"The photo is not right yet: {self._check.instruction.lower()}. "
                "If you cannot fix it, take the photo now; the result may be less precise."
            )
            self.hint.setVisible(True)

    def _take(self, *, automatic: bool) -> None:
        photo: RGB | None = self.feed.snapshot(prefer_passed=automatic)
        if photo is None:
            self.hint.setText("There is no picture from the camera yet.")
            self.hint.setVisible(True)
            return
        self.end()
        self.captured.emit(photo, automatic)

    def instruction(self) -> str:
        return self.preview.instruction()

    def reset_focus(self) -> None:
        self.capture_button.setFocus(Qt.FocusReason.OtherFocusReason)
