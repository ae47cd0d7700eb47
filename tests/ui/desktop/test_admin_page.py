"""The Administration page in the real window: an administrator manages accounts and reads the
audit log, settings and device status; a clinician never reaches it."""

from __future__ import annotations

from pathlib import Path

from app.context import AppContext
from app.desktop.services import DesktopServices
from tests.helpers.desktop import (
    PASSWORD,
    TIMEOUT,
    add_analysis,
    add_patients,
    sign_in,
    visible_texts,
)
from ui.desktop.admin.page import AdminPage


def _admin_page(qtbot, make_window, email: str) -> tuple[object, AdminPage]:
    win = make_window()
    sign_in(qtbot, win, email)
    assert win.view is not None
    win.commands.go_admin.trigger()
    page = win.view.workspace.page("admin")
    assert isinstance(page, AdminPage) and win.view.workspace.current_key == "admin"
    return win, page


def test_a_clinician_cannot_reach_administration(qtbot, make_window, emails) -> None:
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    assert win.view is not None
    assert not win.view.workspace.has_page("admin")
    win.commands.go_admin.trigger()
    assert win.view.workspace.current_key != "admin"
    assert not any(isinstance(w, AdminPage) for w in win.findChildren(AdminPage))


def test_accounts_are_listed_and_created_from_the_page(
    qtbot, make_window, ctx: AppContext, emails
) -> None:
    _win, page = _admin_page(qtbot, make_window, emails["admin"])
    tab = page.accounts
    qtbot.waitUntil(lambda: tab.table.rowCount() == 4, timeout=TIMEOUT)
    assert "pat@example.org" not in visible_texts(tab.table)
    tab.first.setText("Rosalind")
    tab.last.setText("Franklin")
    tab.email.setText("rosalind@clinic.org")
    tab.password.setText(PASSWORD)
    tab.create_button.click()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 5, timeout=TIMEOUT)
    assert page.status.text() == "Account created for rosalind@clinic.org."
    tab.select("rosalind@clinic.org")
    tab.deactivate.click()
    qtbot.waitUntil(
        lambda: page.status.text() == "rosalind@clinic.org deactivated.", timeout=TIMEOUT
    )
    qtbot.waitUntil(lambda: "Deactivated" in visible_texts(tab.table), timeout=TIMEOUT)
    tab.select(emails["admin"])
    tab.deactivate.click()
    qtbot.waitUntil(lambda: "your own account" in page.status.text(), timeout=TIMEOUT)


def test_audit_settings_and_devices_tabs(qtbot, make_window, emails, tmp_path: Path) -> None:
    _win, page = _admin_page(qtbot, make_window, emails["admin"])
    page.tabs.setCurrentWidget(page.audit)
    qtbot.waitUntil(lambda: page.audit.model.rowCount() > 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "intact" in page.audit.chain.text(), timeout=TIMEOUT)
    page.audit.patient.setText("Pat Doe")
    page.audit.apply.click()
    qtbot.waitUntil(
        lambda: page.audit.model.rows and all("Pat Doe" in r.about for r in page.audit.model.rows),
        timeout=TIMEOUT,
    )
    page.audit.export_to(tmp_path / "audit.csv")
    qtbot.waitUntil(lambda: (tmp_path / "audit.csv").exists(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "Audit log exported" in page.status.text(), timeout=TIMEOUT)

    page.tabs.setCurrentWidget(page.settings)
    qtbot.waitUntil(lambda: page.settings.clinic.text() == "Rue Cler Dermatology", timeout=TIMEOUT)
    page.settings.clinic.setText("")
    page.settings.save.click()
    qtbot.waitUntil(lambda: "clinic's name" in page.status.text(), timeout=TIMEOUT)
    page.settings.clinic.setText("Rue Cler Skin Clinic")
    page.settings.idle.setValue(7)
    page.settings.save.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("Settings saved"), timeout=TIMEOUT)

    page.tabs.setCurrentWidget(page.devices)
    qtbot.waitUntil(lambda: "skinlab server devices" in page.devices.note.text(), timeout=TIMEOUT)
    assert page.devices.values["enrolled"].text().startswith("Not enrolled")


def test_the_audit_tab_shows_whose_analysis_was_viewed(
    qtbot, make_window, ctx: AppContext, emails
) -> None:
    (zoe,) = add_patients(ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = add_analysis(ctx, zoe, days_ago=1, score=61.0, metrics={"redness": 0.2})
    services = DesktopServices(ctx)
    services.analysis_detail(services.login(emails["clinician"], PASSWORD), analysis)
    _win, page = _admin_page(qtbot, make_window, emails["admin"])
    page.tabs.setCurrentWidget(page.audit)
    qtbot.waitUntil(lambda: page.audit.action.findData("analysis_viewed") >= 0, timeout=TIMEOUT)
    page.audit.action.setCurrentIndex(page.audit.action.findData("analysis_viewed"))
    page.audit.apply.click()
    qtbot.waitUntil(lambda: page.audit.model.rowCount() == 1, timeout=TIMEOUT)
    about = page.audit.model.index(0, 3).data()
    assert about == "Zoé Martin (zoe@example.org)" and analysis not in visible_texts(page.audit)
