"""The kiosk window: runs the flow between the screens and forgets everything on reset.

Kiosk mode is locked down while the window lives (:mod:`ui.kiosk.lockdown`): no file or print
dialog, no context menu, no closing from the keyboard; a reset closes every dialog and pop-up.

Every call into the services runs on a pool (database work on the single database thread, analysis
and files on the work pool); work of a visit is bound to it (``while_current``), so a late answer
from a visit that was reset can never bring its data back onto the screen. A failure nobody else
shows appears as a toast at the bottom of the window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from ui.background import BackgroundOp, Generation, Pools, Token
from ui.kiosk.admin import AdminScreen, PinScreen
from ui.kiosk.analysing import AnalysingScreen
from ui.kiosk.attract import AttractScreen
from ui.kiosk.camera import CameraFeed
from ui.kiosk.capture import CaptureScreen
from ui.kiosk.consent import ConsentScreen
from ui.kiosk.idle import IdleOverlay, IdleWatcher
from ui.kiosk.keyboard import OnScreenKeyboard
from ui.kiosk.keyboard_dock import KeyboardDock
from ui.kiosk.lockdown import Lockdown, close_popups
from ui.kiosk.messages import message_for
from ui.kiosk.photo_picker import PhotoPickerScreen
from ui.kiosk.ports import (
    RGB,
    AnalysisView,
    CancelledError,
    ConsentChoice,
    ConsentText,
    DrivePhoto,
    KioskConfig,
    KioskServices,
    Patient,
)
from ui.kiosk.results import ResultsScreen
from ui.kiosk.sign_in import SignInScreen
from ui.kiosk.style import load_kiosk_style
from ui.kiosk.takeaway import TakeAwayScreen
from ui.kiosk.takeaway_actions import TakeAwayActions
from ui.kiosk.widgets import Toast

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Screens(QStackedWidget):
    """Never asks for more room than the screen has: a kiosk window must not grow past it."""

    def minimumSizeHint(self) -> QSize:
        return QSize(640, 480)


class KioskWindow(QMainWindow):
    def __init__(self, services: KioskServices, pools: Pools, *, camera: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("SkinLab")
        self.setObjectName("kiosk")
        self.setStyleSheet(load_kiosk_style())
        self.services = services
        self.pools = pools
        self.camera_override = camera
        self.config = KioskConfig("SkinLab", None, 90, camera or "auto", False)
        self.visits = Generation()
        self.patient: Patient | None = None
        self.consent: ConsentChoice | None = None
        self.consent_text: ConsentText | None = None
        self.photo: RGB | None = None
        self.view: AnalysisView | None = None
        self._cancel = threading.Event()

        self.stack = _Screens()
        self.stack.setObjectName("screens")
        self.keyboard = OnScreenKeyboard()
        self.setCentralWidget(KeyboardDock(self.stack, self.keyboard))
        self.feed = CameraFeed(services)
        self.attract = AttractScreen()
        self.sign_in = SignInScreen()
        self.consent_screen = ConsentScreen()
        self.capture = CaptureScreen(self.feed)
        self.photos = PhotoPickerScreen()
        self.analysing = AnalysingScreen()
        self.results = ResultsScreen()
        self.takeaway = TakeAwayScreen()
        self.pin = PinScreen()
        self.admin = AdminScreen()
        self.screens: list[QWidget] = [
            self.attract, self.sign_in, self.consent_screen, self.capture, self.photos,
            self.analysing, self.results, self.takeaway, self.pin, self.admin,
        ]  # fmt: skip
        for screen in self.screens:
            self.stack.addWidget(screen)
        self.keyboard.watch(self.stack)
        self.idle_overlay = IdleOverlay(self)
        self.idle = IdleWatcher(idle_seconds=self.config.idle_seconds)
        self.toast = Toast(self)
        self.takeaway_actions = TakeAwayActions(
            screen=self.takeaway, services=services, pools=pools, visits=self.visits
        )
        self.lockdown = Lockdown(self)
        self.lockdown.install()
        self._connect()

    # -- wiring --------------------------------------------------------------------------------
    def _connect(self) -> None:
        self.attract.start.connect(self.begin_visit)
        self.attract.admin.connect(self._open_pin)
        self.sign_in.signed_in.connect(self._sign_in)
        self.sign_in.register.connect(self._register)
        self.sign_in.guest.connect(lambda: self._identified(None))
        self.consent_screen.answered.connect(self._consented)
        self.capture.captured.connect(lambda photo, _auto: self.analyse_photo(photo))
        self.capture.use_demo.connect(lambda: self.capture.begin("demo"))
        self.capture.import_photo.connect(self.open_photo_picker)
        self.photos.chosen.connect(self.analyse_file)
        self.photos.refresh.connect(self.open_photo_picker)
        self.photos.back.connect(self.start_capture)
        self.analysing.cancel.connect(self._cancel_analysis)
        self.results.retake.connect(self._retake)
        self.results.take_away.connect(self.open_takeaway)
        self.takeaway.back.connect(lambda: self.show_screen(self.results))
        for screen in (self.sign_in, self.consent_screen, self.capture):
            screen.cancelled.connect(self.reset)
        self.results.finish.connect(self.reset)
        self.takeaway.finish.connect(self.reset)
        self.pin.entered.connect(self._check_pin)
        self.pin.cancelled.connect(self.reset)
        self.admin.save.connect(self._save_config)
        self.admin.done.connect(self.reset)
        self.admin.exit_app.connect(self.shut_down)
        self.idle.warn.connect(self._idle_warning)
        self.idle.resume.connect(self.idle_overlay.hide)
        self.idle.expired.connect(self.reset)
        self.idle_overlay.still_here.connect(self.idle.touch)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)

    def op(self, fn: Callable[[], T]) -> BackgroundOp[T]:
        """Work worded for the kiosk; a failure without a handler becomes a toast."""
        return BackgroundOp(fn, parent=self, describe=message_for)

    def this_visit(self) -> Token:
        return self.visits.token()

    def run(self, op: BackgroundOp[Any], *, db: bool = False) -> None:
        op.run(self.pools.db if db else self.pools.work)

    def show_message(self, text: str) -> None:
        """Where failures without a handler go (see ``ui.background.MessageTarget``)."""
        self.toast.show_text(text)

    def show_screen(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.idle_overlay.setGeometry(self.rect())
        self.toast.place()

    # -- start, configuration ------------------------------------------------------------------
    def start(self) -> None:
        """Load the kiosk's settings and forget leftovers of an earlier run (off the UI thread)."""
        self.reset()
        self._warm_up()
        self.run(self.op(self.services.config).success(self.apply_config), db=True)
        self.run(self.op(self.services.warm_up))

    def _warm_up(self) -> None:
        """Lay out and paint every screen once, hidden, so that the first patient's screens are
        not the ones paying for style polishing and font loading (tens of ms on the UI thread)."""
        for screen in self.screens:
            screen.resize(self.stack.size())
            screen.grab()

    def apply_config(self, config: KioskConfig) -> None:
        self.config = config
        self.idle.idle_seconds = config.idle_seconds
        for screen in self.screens:
            header = getattr(screen, "header", None)
            if header is not None:
                header.set_clinic(config.clinic_name, config.logo_path)
        self.attract.set_clinic(config.clinic_name, config.logo_path)

    def camera_spec(self) -> str:
        return self.camera_override or self.config.camera

    # -- the visit -----------------------------------------------------------------------------
    def begin_visit(self) -> None:
        self.sign_in.clear()
        self.show_screen(self.sign_in)
        self.idle.start()

    def _sign_in(self, email: str, password: str) -> None:
        self.run(
            self.op(lambda: self.services.sign_in(email, password))
            .while_current(self.this_visit())
            .success(self._identified)
            .messages_to(self.sign_in.show_error),
            db=True,
        )

    def _register(self, email: str, first: str, last: str, password: str) -> None:
        def work() -> Patient:
            return self.services.register(
                email=email, first_name=first, last_name=last, password=password
            )

        self.run(
            self.op(work)
            .while_current(self.this_visit())
            .success(self._identified)
            .messages_to(self.sign_in.show_error),
            db=True,
        )

    def _identified(self, patient: Patient | None) -> None:
        self.patient = patient
        self.sign_in.clear()

        def shown(text: ConsentText) -> None:
            self.consent_text = text
            self.consent_screen.show_text(text, guest=patient is None)
            self.show_screen(self.consent_screen)

        self.run(
            self.op(self.services.consent_text).while_current(self.this_visit()).success(shown),
            db=True,
        )

    def _consented(self, choice: ConsentChoice) -> None:
        self.consent = choice
        version = self.consent_text.version if self.consent_text else ""
        patient = self.patient
        self.run(
            self.op(
                lambda: self.services.record_consent(patient, version=version, choice=choice)
            ).failure(lambda e: log.error("Consent not recorded: %s", e, exc_info=e)),
            db=True,
        )
        self.start_capture()

    def start_capture(self) -> None:
        self.show_screen(self.capture)
        self.capture.begin(self.camera_spec())

    def open_photo_picker(self) -> None:
        """The camera failed: the photos on a USB stick, in the kiosk's own read-only list."""
        self.capture.end()
        self.photos.searching()
        self.show_screen(self.photos)

        def found(photos: list[DrivePhoto]) -> None:
            self.photos.show_photos(photos)

        self.run(
            self.op(self.services.drive_photos)
            .while_current(self.this_visit())
            .success(found)
            .messages_to(self.photos.show_error)
        )

    def analyse_file(self, path: Path) -> None:
        """A photo from a USB stick (a kiosk without a camera) is analysed like a captured one."""
        self.run(
            self.op(lambda: self.services.load_photo(path))
            .while_current(self.this_visit())
            .success(self.analyse_photo)
            .messages_to(self.photos.show_error)
        )

    def analyse_photo(self, photo: RGB) -> None:
        self.photo = photo
        self._cancel = cancel = threading.Event()
        self.analysing.begin(photo)
        self.show_screen(self.analysing)
        patient, consent = self.patient, self.consent or ConsentChoice(granted=False)

        def work() -> AnalysisView:
            return self.services.analyse(
                photo, patient=patient, consent=consent, progress=op.report, cancel=cancel
            )

        def done(view: AnalysisView) -> None:
            if not cancel.is_set():
                self.view = view
                self.results.show_view(view)
                self.show_screen(self.results)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, CancelledError) and not cancel.is_set():
                self.start_capture()
                self.capture.show_error(message_for(exc))

        op = self.op(work).while_current(self.this_visit()).progress(self.analysing.show_stage)
        self.run(op.success(done).failure(failed))

    def _cancel_analysis(self) -> None:
        self._cancel.set()
        self.analysing.clear()
        self.start_capture()

    def _retake(self) -> None:
        self.view = None
        self.results.clear()
        self.takeaway_actions.forget()
        self.start_capture()

    def open_takeaway(self) -> None:
        if self.view is None:
            return
        self.takeaway_actions.open(self.view, patient=self.patient, consent=self.consent)
        self.show_screen(self.takeaway)

    # -- idle and reset ------------------------------------------------------------------------
    def _idle_warning(self, seconds: int) -> None:
        self.idle_overlay.setGeometry(self.rect())
        self.idle_overlay.show_seconds(seconds)
        self.idle_overlay.show()
        self.idle_overlay.raise_()

    def reset(self) -> None:
        """Forget the visit: dialogs and pop-ups closed, screens cleared, photo and session
        dropped, guest captures purged."""
        self.visits.advance()
        close_popups(self)
        self.keyboard.hide_keyboard()
        self._cancel.set()
        self.idle.stop()
        self.idle_overlay.hide()
        self.patient = self.consent = self.consent_text = None
        self.photo = self.view = None
        self.takeaway_actions.forget()
        self.toast.clear()
        for screen in self.screens:
            clear = getattr(screen, "clear", None)
            if clear is not None:
                clear()
        self.show_screen(self.attract)
        self.run(
            self.op(self.services.end_session).failure(
                lambda e: log.error("Guest captures not purged: %s", e, exc_info=e)
            ),
            db=True,
        )

    # -- staff ---------------------------------------------------------------------------------
    def _open_pin(self) -> None:
        self.pin.clear()
        self.show_screen(self.pin)
        self.idle.start()
        if not self.config.has_pin:
            self.pin.show_error("No staff PIN is set. Set one with: skinlab kiosk set-pin")

    def _check_pin(self, pin: str) -> None:
        def checked(_: None) -> None:
            self.pin.clear()
            self.admin.show_config(self.config)
            self.show_screen(self.admin)
            self.run(
                self.op(self.services.sync_status)
                .while_current(self.this_visit())
                .success(self.admin.show_sync),
                db=True,
            )

        self.run(
            self.op(lambda: self.services.check_pin(pin))
            .while_current(self.this_visit())
            .success(checked)
            .messages_to(self.pin.show_error)
        )

    def _save_config(self, values: dict[str, Any]) -> None:
        def saved(config: KioskConfig) -> None:
            self.apply_config(config)
            self.admin.status.setText("Saved.")

        self.run(
            self.op(lambda: self.services.save_config(**values))
            .success(saved)
            .messages_to(self.admin.status.setText),
            db=True,
        )

    def shut_down(self) -> None:
        """Close for good (staff "Exit", the end of the process); nothing else closes the kiosk."""
        self.lockdown.allow_close()
        self.close()

    def showEvent(self, event: QShowEvent) -> None:
        self.lockdown.install()  # again after a close (tests reopen windows)
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.lockdown.uninstall()
        self.capture.end()
        self.idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.feed.wait(2.0)
        super().closeEvent(event)

    def key_focus(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)
