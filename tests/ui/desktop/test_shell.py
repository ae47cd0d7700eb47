"""The signed-in shell: who may open it, the idle lock, another person signing in, menus, themes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from sqlalchemy import select

from app.context import AppContext
from core.storage.models import AuditEvent
from tests.helpers.desktop import PASSWORD, TIMEOUT, sign_in, visible_texts
from ui.desktop.shell.runner import SessionRunner


def _audit_actions(ctx: AppContext) -> list[str]:
    with ctx.database.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)))


def test_patient_and_kiosk_accounts_cannot_open_the_desktop(qtbot, make_window, ctx, emails):
    win = make_window()
    for role, words in (("patient", "patient account"), ("kiosk", "kiosk account")):
        sign_in(qtbot, win, emails[role])
        assert win.view is None
        assert win.stack.currentWidget() is win.login
        assert words in win.login.error.text()
        assert "clinician" in win.login.error.text()
        assert not win.commands.new_patient.isEnabled()
    assert _audit_actions(ctx).count("desktop_refused") == 2


def test_a_wrong_password_on_a_patient_account_says_only_wrong_password(qtbot, make_window, emails):
    """The role is checked after the password: a guess learns nothing about the account."""
    win = make_window()
    sign_in(qtbot, win, emails["patient"], "not the password")
    assert win.login.error.text() == "Wrong email or password."


def test_clinician_has_no_administration(qtbot, make_window, emails):
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    assert win.view is not None
    workspace = win.view.workspace
    assert not workspace.has_page("admin")
    nav = [workspace.nav.item(i).text() for i in range(workspace.nav.count())]
    assert "Administration" not in nav and "Patients" in nav
    assert not win.commands.go_admin.isEnabled()
    win.commands.go_admin.trigger()
    assert workspace.current_key != "admin"
    assert win.commands.new_patient.isEnabled() and win.commands.find.isEnabled()


def test_admin_reaches_administration_by_menu_and_shortcut(qtbot, make_window, emails):
    win = make_window()
    sign_in(qtbot, win, emails["admin"])
    assert win.view is not None and win.view.workspace.has_page("admin")
    assert win.commands.go_admin.isEnabled()
    assert win.commands.go_admin.shortcut().toString() == "Ctrl+4"
    qtbot.keyClick(win, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert win.view.workspace.current_key == "admin"
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.view.workspace.current_key == "patients"


def test_idle_lock_hides_everything_and_only_the_same_password_unlocks(
    qtbot, make_window, emails, ctx
):
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    workspace = win.view.workspace
    dialog = QDialog(win)
    dialog.setWindowTitle("A window of this session")
    win.view.ctx.open_dialog(dialog)
    win.idle.seconds = 0.3
    win.idle.start()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.lock_page, timeout=TIMEOUT)
    assert not workspace.isVisible() and not dialog.isVisible()
    assert not win.commands.new_patient.isEnabled()
    assert "Grace Hopper" in win.lock_page.subtitle.text()
    assert "without use" in win.lock_page.subtitle.text()

    win.lock_page.password.setText("someone else's password")
    win.lock_page.button.click()
    qtbot.waitUntil(win.lock_page.button.isEnabled, timeout=TIMEOUT)
    assert win.stack.currentWidget() is win.lock_page
    assert win.lock_page.error.text() == "Wrong email or password."

    win.lock_page.password.setText(PASSWORD)
    win.lock_page.button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is workspace, timeout=TIMEOUT)
    assert win.view.workspace is workspace and dialog.isVisible()
    assert win.commands.new_patient.isEnabled()


def test_activity_keeps_the_lock_away(qtbot, make_window, emails):
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    win.idle.seconds = 0.6
    win.idle.start()
    for _ in range(8):
        qtbot.wait(150)
        qtbot.keyClick(win.view.workspace, Qt.Key.Key_Shift)
    assert win.stack.currentWidget() is win.view.workspace
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.lock_page, timeout=TIMEOUT)


def test_the_idle_lock_watches_the_applications_events_only_while_someone_is_signed_in(
    qtbot, make_window, emails
):
    """Before anyone signs in no Python filter sees every event (it made PySide6 build a Python
    class for every Qt class before the first paint); signed in, activity is watched."""
    win = make_window()
    qtbot.keyClick(win.login.email, Qt.Key.Key_A)
    assert not win.idle.watching and not win.idle.running
    sign_in(qtbot, win, emails["clinician"])
    assert win.idle.watching and win.idle.running
    win.lock("Locked.")
    assert not win.idle.watching
    win.lock_page.password.setText(PASSWORD)
    win.lock_page.button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.view.workspace, timeout=TIMEOUT)
    assert win.idle.watching
    win.sign_out()
    assert not win.idle.watching and not win.idle.running


def test_another_person_signing_in_closes_the_first_ones_screens(qtbot: Any, make_window, emails):
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    first = win.view
    dialog = QDialog(win)
    dialog.setWindowTitle("Grace's private window")
    first.ctx.open_dialog(dialog)
    win.lock("Locked.")
    win.lock_page.other.click()
    assert win.stack.currentWidget() is win.login
    sign_in(qtbot, win, emails["clinician2"])
    assert win.view is not None and win.view is not first
    assert "Mary Somerville" in win.view.workspace.user_label.text()
    assert not first.runner.alive
    QApplication.sendPostedEvents(None, 0)  # let deleteLater run
    qtbot.wait(50)
    texts = visible_texts(win)  # every widget of this window, its dialogs included
    assert "Mary Somerville" in texts
    assert "Grace Hopper" not in texts and "Grace's private window" not in texts


def test_the_same_person_signing_in_again_keeps_their_screens(qtbot, make_window, emails):
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    first = win.view
    win.lock("Locked.")
    win.lock_page.other.click()
    sign_in(qtbot, win, emails["clinician"])
    assert win.view is first and win.stack.currentWidget() is first.workspace


def test_answers_for_an_ended_session_are_dropped(qtbot, make_window, emails):
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    runner: SessionRunner = win.view.runner
    got: list[str] = []
    gate_open = []

    def slow() -> str:
        while not gate_open:
            pass
        return "late answer"

    runner.db(slow, got.append)
    win.commands.sign_out.trigger()
    gate_open.append(True)
    qtbot.wait(300)
    assert got == [] and win.view is None


def test_an_expired_session_locks_the_window(qtbot, make_window, emails, ctx):
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    ctx.auth.deactivate(emails["clinician"])
    win.view.runner.db(lambda: ctx.auth.get_current_user(win.view.session.token), print)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.lock_page, timeout=TIMEOUT)
    assert "deactivated" in win.lock_page.subtitle.text()


def test_menus_carry_the_common_shortcuts(qtbot, make_window):
    win = make_window()
    keys = {a.text().replace("&", ""): a.shortcut().toString() for a in win.commands.all()}
    assert keys["New patient…"] == "Ctrl+N"
    assert keys["Find patient"] == "Ctrl+F"
    assert keys["Compare two analyses"] == "Ctrl+K"
    assert keys["Import photos…"] == "Ctrl+I"
    assert keys["Lock"] == "Ctrl+L"
    assert not win.commands.compare.isEnabled()  # nobody signed in yet


def test_dark_and_light_themes_switch_the_style_sheet(qtbot, make_window, emails):
    win = make_window()
    app = QApplication.instance()
    win.commands.theme_dark.trigger()
    assert "dark" in app.styleSheet().splitlines()[0]
    assert win.commands.theme_dark.isChecked()
    label = QLabel("x", objectName="title")
    win.login.layout().addWidget(label)
    label.ensurePolished()
    dark_text = label.palette().color(label.foregroundRole()).lightness()
    win.commands.theme_light.trigger()
    label.setStyleSheet("")  # re-polish
    label.ensurePolished()
    light_text = label.palette().color(label.foregroundRole()).lightness()
    assert dark_text > 150 > light_text


def test_every_menu_entry_leads_somewhere(qtbot, make_window, emails):
    """The View menu's commands open their pages (File > Import photos... also opens a file dialog,
    tested with the Import page)."""
    win = make_window()
    sign_in(qtbot, win, emails["admin"])
    workspace = win.view.workspace
    for action, key in (
        (win.commands.go_import, "import"),
        (win.commands.go_reports, "reports"),
        (win.commands.go_admin, "admin"),
        (win.commands.go_patients, "patients"),
    ):
        action.trigger()
        assert workspace.current_key == key
