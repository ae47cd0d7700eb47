"""The Reports page in the real window: choose a patient by typing, save a visit report and a
progress report, export the data, erase after typing the name (administrators only)."""

from __future__ import annotations

from pathlib import Path

from app.context import AppContext
from tests.helpers.desktop import TIMEOUT, sign_in
from tests.helpers.visits import add_visits
from ui.desktop.reports.page import ONLY_ADMINS, ReportsPage

LONG = 120_000


def _page(qtbot, make_window, email: str) -> ReportsPage:
    win = make_window()
    sign_in(qtbot, win, email)
    assert win.view is not None
    win.commands.go_reports.trigger()
    page = win.view.workspace.page("reports")
    assert isinstance(page, ReportsPage)
    page.picker.field.setFocus()
    qtbot.keyClicks(page.picker.field, "pat@example.org")
    qtbot.waitUntil(lambda: page.record is not None, timeout=TIMEOUT)
    return page


def test_a_clinician_saves_reports_and_exports_but_cannot_erase(
    qtbot, make_window, ctx: AppContext, emails, portrait_result, portrait, tmp_path: Path
) -> None:
    add_visits(ctx, email=emails["patient"], base=portrait_result, photo=portrait, levels=[{}, {}])
    page = _page(qtbot, make_window, emails["clinician"])
    assert page.visits.rowCount() == 2 and page.visit_pdf.isEnabled()
    assert not page.erase.isEnabled() and not page.typed.isEnabled()
    assert page.erase.toolTip() == ONLY_ADMINS
    page.save_visit_to(tmp_path / "visit.pdf")
    qtbot.waitUntil(lambda: page.status.text().startswith("Visit report saved"), timeout=LONG)
    page.save_progress_to(tmp_path / "progress.pdf")
    qtbot.waitUntil(lambda: page.status.text().startswith("Progress report saved"), timeout=LONG)
    page.export_to(tmp_path / "export")
    qtbot.waitUntil(lambda: "was exported" in page.status.text(), timeout=LONG)
    for name in ("visit.pdf", "progress.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    assert (tmp_path / "export" / "visits.csv").exists()
    page.export_to(tmp_path / "missing" / "export")
    qtbot.waitUntil(lambda: "does not exist" in page.status.text(), timeout=LONG)
    assert page.status.objectName() == "error"


def test_an_administrator_erases_after_typing_the_name(
    qtbot, make_window, ctx: AppContext, emails, portrait_result, portrait
) -> None:
    add_visits(ctx, email=emails["patient"], base=portrait_result, photo=portrait, levels=[{}])
    page = _page(qtbot, make_window, emails["admin"])
    assert page.typed.isEnabled() and not page.erase.isEnabled()
    page.typed.setText("Pat")
    page.erase.click()
    qtbot.waitUntil(lambda: "exactly as shown" in page.status.text(), timeout=TIMEOUT)
    page.typed.setText("Pat Doe")
    page.erase.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("Pat Doe was erased"), timeout=TIMEOUT)
    assert page.record is None and page.picker.patient is None
    assert ctx.images.digests() == []


def test_every_column_header_is_readable_at_1280x800(
    qtbot, make_window, ctx: AppContext, emails, portrait_result, portrait
) -> None:
    add_visits(ctx, email=emails["patient"], base=portrait_result, photo=portrait, levels=[{}])
    page = _page(qtbot, make_window, emails["clinician"])
    header = page.visits.horizontalHeader()
    assert page.window().width() == 1280
    for column in range(page.visits.columnCount()):
        text = page.visits.horizontalHeaderItem(column).text()
        needed = header.fontMetrics().horizontalAdvance(text)
        assert header.sectionSize(column) > needed, text
