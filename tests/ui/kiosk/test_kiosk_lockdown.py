"""Kiosk mode cannot be escaped: every button of every screen clicked with no file or print dialog
ever asked for; the guard refuses one anyway if code asks; no context menu; no closing from the
window system; and the reset closes every dialog and pop-up left open."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QMenu,
    QMessageBox,
    QWidget,
)
from skimage import data

from tests.helpers.kiosk import PASSWORD, TIMEOUT, go_to_capture, pump, wait_for_results
from ui.kiosk.lockdown import REFUSED_DIALOGS
from ui.kiosk.ports import ConsentChoice, Patient
from ui.kiosk.window import KioskWindow


def _refused_dialogs() -> list[QWidget]:
    return [w for w in QApplication.allWidgets() if isinstance(w, REFUSED_DIALOGS)]


def _clickable(root: QWidget) -> list[QAbstractButton]:
    return [b for b in root.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]


def _routes(qtbot, win: KioskWindow, services, ctx, tmp_path: Path) -> dict[str, Callable]:
    """How to bring each screen (with its buttons) back on, from the attract screen."""
    stick = tmp_path / "stick"
    stick.mkdir()
    cv2.imwrite(str(stick / "me.jpg"), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    services.drives = [("KINGSTON", stick)]
    user_id = ctx.auth.register(
        email="maya@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    maya = Patient(str(user_id), "maya@example.com", "Maya Ortiz")
    go_to_capture(qtbot, win)
    wait_for_results(qtbot, win)
    view = win.view
    qtbot.waitUntil(lambda: win.results.take_button.isEnabled(), timeout=TIMEOUT)
    win.open_takeaway()
    qtbot.waitUntil(lambda: win.takeaway_actions.pdf is not None, timeout=TIMEOUT)
    pdf = win.takeaway_actions.pdf

    def consent(patient: Patient | None) -> Callable[[], QWidget]:
        def route() -> QWidget:
            win.begin_visit()
            win._identified(patient)
            qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen)
            return win.consent_screen

        return route

    def register() -> QWidget:
        win.begin_visit()
        win.sign_in.to_register.click()
        return win.sign_in

    def capture() -> QWidget:
        win.begin_visit()
        win.camera_override = "webcam:9"  # no camera: demo and USB import on offer
        win.start_capture()
        qtbot.waitUntil(win.capture.import_button.isVisible, timeout=TIMEOUT)
        return win.capture

    def photos() -> QWidget:
        win.begin_visit()
        win.open_photo_picker()
        qtbot.waitUntil(lambda: bool(win.photos.tiles), timeout=TIMEOUT)
        return win.photos

    def analysing() -> QWidget:
        win.begin_visit()
        win.analysing.begin(view.photo)
        win.show_screen(win.analysing)
        return win.analysing

    def results() -> QWidget:
        win.begin_visit()
        win.view = view
        win.results.show_view(view)
        win.show_screen(win.results)
        return win.results

    def takeaway() -> QWidget:
        win.begin_visit()
        win.patient, win.view = maya, view
        win.consent = ConsentChoice(granted=True, allow_storage=True)
        win.takeaway_actions.pdf = pdf
        win.open_takeaway()
        qtbot.waitUntil(lambda: win.takeaway._offer is not None, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: bool(win.takeaway._drive_buttons), timeout=TIMEOUT)
        return win.takeaway

    def admin() -> QWidget:
        win.admin.show_config(win.config)
        win.show_screen(win.admin)
        return win.admin

    def idle() -> QWidget:
        win.begin_visit()
        win._idle_warning(5)
        return win.idle_overlay

    def pin() -> QWidget:
        win._open_pin()
        return win.pin

    return {
        "attract": lambda: win.attract,
        "sign-in": lambda: (win.begin_visit(), win.sign_in)[1],
        "register": register,
        "consent (guest)": consent(None),
        "consent (patient)": consent(maya),
        "capture": capture,
        "photos": photos,
        "analysing": analysing,
        "results": results,
        "take-away": takeaway,
        "pin": pin,
        "admin": admin,
        "idle warning": idle,
    }


def test_no_button_on_any_screen_opens_a_file_or_print_dialog(
    qtbot, make_window, services, ctx, tmp_path
):
    win = make_window("demo")
    routes = _routes(qtbot, win, services, ctx, tmp_path)
    win.capture.hold_seconds = 60.0  # the walk takes no photo by itself
    clicked: list[str] = []
    seen: set[QWidget] = set()
    for name, route in routes.items():
        index = 0
        while True:
            win.reset()
            win.camera_override = "demo"
            if not win.isVisible():
                win.show()  # "Exit" closed it
            root = route()
            seen.add(root)
            pump(qtbot, 0.1)  # widgets added to a shown screen appear at the next event loop turn
            buttons = _clickable(root)
            if index >= len(buttons):
                break
            target = buttons[index]
            clicked.append(f"{name}: {target.text() or target.accessibleName()}")
            target.click()
            pump(qtbot, 0.2)
            assert _refused_dialogs() == [], clicked[-1]
            assert win.lockdown.refused == [], clicked[-1]
            index += 1
    win.reset()
    pump(qtbot, 0.5)
    assert win.lockdown.refused == [] and _refused_dialogs() == []
    assert set(win.screens) <= seen, "every screen was walked"
    walked = {c.split(":", 1)[0] for c in clicked}
    assert walked == set(routes), "buttons of every screen were clicked"
    assert len(clicked) >= 50, clicked
    for expected in ("Save to KINGSTON", "me.jpg", "Exit", "Look again", "I'm still here"):
        assert any(expected in c for c in clicked), expected


def test_the_guard_refuses_a_file_dialog_asked_for_by_code(qtbot, make_window):
    win = make_window("demo")
    answers: list[tuple[str, str]] = []
    QTimer.singleShot(
        0, lambda: answers.append(QFileDialog.getOpenFileName(win, "Photo", str(Path.home())))
    )
    qtbot.waitUntil(lambda: bool(answers), timeout=TIMEOUT)
    assert answers == [("", "")]
    dialog = QFileDialog(win, "Where to?")
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isEnabled()
    printer = QPrinter()
    print_dialog = QPrintDialog(printer, win)
    QTimer.singleShot(0, lambda: answers.append(("print", str(print_dialog.exec()))))
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=TIMEOUT)
    assert answers[1] == ("print", str(int(QDialog.DialogCode.Rejected)))
    assert win.lockdown.refused == ["QFileDialog", "QFileDialog", "QPrintDialog"]


def test_the_guard_ends_with_the_kiosk_window(qtbot, make_window):
    win = make_window("demo")
    win.shut_down()
    dialog = QFileDialog(None, "Desktop use")
    qtbot.addWidget(dialog)
    dialog.show()
    pump(qtbot, 0.2)
    assert dialog.isVisible() and win.lockdown.refused == []
    dialog.reject()


def test_no_context_menu_and_no_closing_but_by_staff(qtbot, make_window):
    win = make_window("demo")
    win.begin_visit()
    field = win.sign_in.email
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, QPoint(5, 5), field.mapToGlobal(QPoint(5, 5))
    )
    QApplication.sendEvent(field, event)
    pump(qtbot, 0.2)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    win.windowHandle().close()  # what Alt+F4 or a window manager's close button sends
    win.close()
    pump(qtbot, 0.2)
    assert win.isVisible()
    win.admin.exit_button.click()  # staff, behind the PIN
    assert not win.isVisible()


def test_the_reset_closes_every_dialog_and_popup(qtbot, make_window, services):
    """A modal question waiting in exec(), a side dialog and a menu are all open at the reset."""
    win = make_window("demo")
    win.admin.show_config(win.config)
    win.show_screen(win.admin)
    box = QMessageBox(
        QMessageBox.Icon.Question, "Still there?", "A question for the visitor", parent=win
    )
    side = QDialog(win)
    menu = QMenu(win)
    menu.addAction("Something")
    answers: list[int] = []
    open_at_once: list[bool] = []
    # Everything below runs inside the message box's own event loop, as it would on the kiosk.
    QTimer.singleShot(100, side.show)
    QTimer.singleShot(150, lambda: menu.popup(win.mapToGlobal(QPoint(40, 40))))
    QTimer.singleShot(
        400,
        lambda: open_at_once.append(box.isVisible() and side.isVisible() and menu.isVisible()),
    )
    win.idle.start()
    win.idle.idle_seconds = 1
    win.idle.warning_seconds = 1
    QTimer.singleShot(0, lambda: answers.append(box.exec()))
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=TIMEOUT)  # exec() returned by itself
    assert open_at_once == [True]
    assert win.stack.currentWidget() is win.attract
    assert not box.isVisible() and not side.isVisible() and not menu.isVisible()
    assert QApplication.activePopupWidget() is None and QApplication.activeModalWidget() is None
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not win] == []
