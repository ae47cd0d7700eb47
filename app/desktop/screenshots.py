"""Render every desktop screen to a PNG with the demo clinic (``app.desktop.demo``) in a throw-away
data directory: first run, sign-in and lock-out, the patient list and its search, the editor and
its conflict, a record followed for two years, an analysis with a heat map, the comparison side by
side and as a wipe, the idle lock, and the main screens again in the dark theme."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QApplication, QWidget

from app.context import AppContext
from app.desktop import demo
from app.desktop.services import DesktopServices
from app.desktop.staff_screenshots import staff_screens
from core.config import load_settings
from ui.background import Pools
from ui.desktop.analysis.alignment import FaceFrame
from ui.desktop.analysis.analysis_page import AnalysisPage
from ui.desktop.analysis.compare_page import ComparePage
from ui.desktop.main_window import MainWindow
from ui.desktop.patients.editor import PatientEditor
from ui.desktop.patients.list_page import PatientsPage
from ui.desktop.ports import SessionInfo
from ui.desktop.record.record_page import RecordPage
from ui.events import pump

P = TypeVar("P", bound=QWidget)
CLINIC = "Rue Cler Dermatology"
SLOW = 120.0  # seconds for the engine to draw heat maps again on a busy machine


class _Tour:
    def __init__(self, app: QApplication, out_dir: Path, ctx: AppContext, size: tuple[int, int]):
        self.app, self.out_dir, self.ctx = app, out_dir, ctx
        self.services = DesktopServices(ctx)
        self.pools = Pools()
        self.window = MainWindow(self.services, self.pools)
        self.window.resize(*size)
        self.window.show()
        self.written: list[Path] = []

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        pump(self.app, 0.3)
        path = self.out_dir / f"desktop-{name}.png"
        (widget or self.window).grab().save(str(path))
        self.written.append(path)

    def wait(self, until: object, seconds: float = 30.0) -> None:
        pump(self.app, seconds, until)  # type: ignore[arg-type]
        pump(self.app, 0.2)

    def page(self, key: str, kind: type[P]) -> P:
        assert self.window.view is not None
        found = self.window.view.workspace.page(key)
        assert isinstance(found, kind)
        return found

    @property
    def session(self) -> SessionInfo:
        assert self.window.view is not None
        return self.window.view.session

    # -- the tour ------------------------------------------------------------------------------
    def sign_in_screens(self) -> demo.Demo:
        win = self.window
        win.start()
        self.wait(lambda: win.stack.currentWidget() is win.first_run)
        self.shot("first-run")
        followed = demo.build(self.ctx)
        win.stack.setCurrentWidget(win.login)
        win.login.set_clinic(CLINIC)
        win.login.email.setText("grace@clinic.org")
        self.shot("sign-in")
        for attempt in range(self.ctx.settings.lockout_threshold):
            win.login.password.setText(f"wrong-{attempt}")
            win.login.button.click()
            self.wait(win.login.button.isEnabled, 10)
        self.shot("sign-in-locked")
        self.ctx.auth.unlock("grace@clinic.org")
        win.login.password.setText(demo.PASSWORD)
        win.login.button.click()
        self.wait(lambda: win.view is not None)
        return followed

    def patient_screens(self) -> None:
        patients = self.page("patients", PatientsPage)
        self.wait(lambda: patients.model.rowCount() > 0 and not patients.model.loading)
        self.shot("patients")
        patients.search.setText("mor")
        patients.reload()
        self.wait(lambda: not patients.model.loading)
        self.shot("patients-search")
        patients.search.clear()
        patients.reload()
        self.wait(lambda: not patients.model.loading)
        self.window.commands.new_patient.trigger()
        editor = self._dialog()
        editor.first_name.setText("Noor")
        editor.last_name.setText("Haddad")
        editor.email.setText("noor.haddad@example.org")
        editor.birth_year.setValue(1991)
        editor.fitzpatrick.setCurrentIndex(4)
        editor.flags["pregnancy"].setChecked(True)
        self.shot("new-patient", editor)
        editor.reject()

    def record_screens(self, followed: demo.Demo) -> None:
        record = self.page("record", RecordPage)
        self.page("patients", PatientsPage).open_patient.emit(str(followed.followed))
        self.wait(lambda: record.painted and record.timeline.count() > 0)
        record.measure.setCurrentIndex(record.measure.findData("redness"))
        self.wait(lambda: False, 1.5)  # thumbnails
        self.shot("record")
        self.window.commands.edit_patient.trigger()
        editor = self._dialog()
        form = self.services.patient_form(self.session, str(followed.followed))
        mary = self.services.login("mary@clinic.org", demo.PASSWORD)
        self.services.update_patient(
            mary, str(followed.followed), {"birth_year": 1987}, form.clocks
        )
        editor.birth_year.setValue(1989)
        editor.save_button.click()
        self.wait(editor.conflict.isVisible)
        self.shot("edit-conflict", editor)
        editor.reject()

    def analysis_screens(self, followed: demo.Demo) -> None:
        analysis = self.page("analysis", AnalysisPage)
        record = self.page("record", RecordPage)
        record.open_analysis.emit(str(followed.followed), followed.followed_visits[-1])
        self.wait(analysis.view.has_photo)
        analysis.toolbar.choose("redness")
        self.wait(lambda: not analysis.view.overlay.pixmap().isNull(), SLOW)
        assert analysis.detail is not None
        size = analysis.view.photo_size()
        face = FaceFrame.of(analysis.detail.result, size)
        analysis.view.set_view(0.9 * size[0] / (2.2 * face.width), face.centre)
        self.shot("analysis")

    def compare_screens(self, followed: demo.Demo) -> None:
        compare = self.page("compare", ComparePage)
        record = self.page("record", RecordPage)
        record.compare_wanted.emit(
            str(followed.followed), followed.followed_visits[0], followed.followed_visits[-1]
        )
        self.wait(lambda: len(compare.images) == 2)
        compare.toolbar.choose("redness")
        self.wait(
            lambda: all(not v.overlay.pixmap().isNull() for v in compare.views.values()), SLOW
        )
        self.wait(lambda: compare.like_status.text().startswith("Like for like:"), SLOW)
        before = compare.views["before"]
        face = compare.frames["before"]
        before.set_view(0.9 * before.photo_size()[0] / (2.2 * face.width), face.centre)
        self.shot("compare")
        compare.wipe_button.click()
        compare.slider.setValue(420)
        self.shot("compare-slider")
        compare.side_button.click()

    def dark(self) -> None:
        self.window.set_theme("dark")
        self.shot("compare-dark")
        assert self.window.view is not None
        self.window.view.workspace.show_page("record")
        self.shot("record-dark")
        self.window.view.workspace.show_page("patients")
        self.shot("patients-dark")
        self.window.set_theme("light")

    def staff(self) -> None:
        """Import, Reports and Administration, as the administrator (who signs in instead)."""
        self.window.open_session(self.services.login("ada@clinic.org", demo.PASSWORD))
        self.wait(lambda: self.window.view is not None and self.session.is_admin)
        staff_screens(
            self.app,
            self.window,
            self.ctx,
            lambda name: self.shot(name.removeprefix("desktop-")),
            password=demo.PASSWORD,
        )

    def locked(self) -> None:
        self.window.lock("SkinLab locked itself after 10 minutes without use.")
        self.shot("locked")

    def _dialog(self) -> PatientEditor:
        assert self.window.view is not None
        view = self.window.view
        self.wait(lambda: bool(view.ctx.dialogs))
        editor = view.ctx.dialogs[-1]
        assert isinstance(editor, PatientEditor)
        return editor

    def close(self) -> None:
        self.window.close()
        self.pools.wait()
        self.window.deleteLater()  # no demo patient's name lingers in the application
        pump(self.app, 0.1)


def render_screens(out_dir: Path, *, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Drive the desktop window through its screens and save one PNG each; return the files."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="skinlab-shots-") as scratch:
        ctx = AppContext(load_settings(data_dir=Path(scratch), clinic_name=CLINIC))
        tour = _Tour(app, out_dir, ctx, size)
        try:
            followed = tour.sign_in_screens()
            tour.patient_screens()
            tour.record_screens(followed)
            tour.analysis_screens(followed)
            tour.compare_screens(followed)
            tour.dark()
            tour.staff()
            tour.locked()
        finally:
            tour.close()
            ctx.close()
    return tour.written
