"""Screenshots of the staff screens (Import, Reports, Administration) with demo data, driven in
the signed-in administrator's window that ``app.desktop.screenshots`` opens."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate

from app.context import AppContext
from app.desktop.services import DesktopServices
from app.desktop.staff_demo import PATIENTS, add_people, add_year_of_visits, photo_card
from ui.desktop.admin.page import AdminPage
from ui.desktop.importing.page import ImportPage
from ui.desktop.main_window import MainWindow
from ui.desktop.reports.page import ReportsPage
from ui.events import pump

Shot = Callable[[str], None]


def staff_screens(
    app: QCoreApplication, window: MainWindow, ctx: AppContext, shot: Shot, *, password: str
) -> None:
    """Drive the three staff pages of the signed-in administrator and take their pictures."""
    view = window.view
    assert view is not None
    add_people(ctx, password)
    add_year_of_visits(ctx, PATIENTS[0][0])
    workspace = view.workspace
    session = view.session
    services = window.services
    assert isinstance(services, DesktopServices)  # the window's port is the desktop's part
    patient = services.find_import_patients(session, PATIENTS[0][0])[0]

    window.commands.go_import.trigger()
    page = workspace.page("import")
    assert isinstance(page, ImportPage)
    with tempfile.TemporaryDirectory(prefix="skinlab-shots-card-") as card:
        page.add_paths([photo_card(Path(card) / "DCIM")])
        pump(app, 30, lambda: page.files.rowCount() == 8)
        page.picker.set_patient(patient)
        shot("desktop-import-ready")
        page.start_button.click()
        pump(app, 240, lambda: page.files.count("saved") >= 1)
        shot("desktop-import-running")
        pump(app, 600, lambda: not page.is_running)
        shot("desktop-import-done")

    window.commands.go_reports.trigger()
    reports = workspace.page("reports")
    assert isinstance(reports, ReportsPage)
    reports.picker.set_patient(patient)
    pump(app, 20, lambda: reports.record is not None)
    reports.typed.setText("Pat")
    shot("desktop-reports")

    window.commands.go_admin.trigger()
    admin = workspace.page("admin")
    assert isinstance(admin, AdminPage)
    pump(app, 20, lambda: admin.accounts.table.rowCount() >= 3)
    shot("desktop-admin-accounts")
    admin.tabs.setCurrentWidget(admin.audit)
    admin.audit.use_since.setChecked(True)
    since = datetime.now(UTC) - timedelta(days=1)
    admin.audit.since.setDate(QDate(since.year, since.month, since.day))
    admin.audit.search()
    pump(app, 20, lambda: "intact" in admin.audit.chain.text() and admin.audit.model.rowCount() > 0)
    shot("desktop-admin-audit")
    admin.tabs.setCurrentWidget(admin.settings)
    pump(app, 20, lambda: bool(admin.settings.clinic.text()))
    shot("desktop-admin-settings")
    admin.tabs.setCurrentWidget(admin.devices)
    pump(app, 20, lambda: bool(admin.devices.note.text()))
    shot("desktop-admin-devices")
