"""The editor when someone else saved the same patient meanwhile: both values shown, nothing
overwritten until the person chooses; keeping theirs or saving theirs again both work."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.desktop.services import DesktopServices
from tests.helpers.desktop import PASSWORD, TIMEOUT, add_patients, settle, sign_in


def _open_editor(qtbot: Any, make_window, ctx, emails) -> tuple[Any, Any, str]:
    (patient_id,) = add_patients(ctx, [("Zoé", "Martin", "zoe@example.org")])
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    page = win.view.workspace.page("patients")
    page.search.setText("martin")
    settle(qtbot, page)
    page.table.selectRow(0)
    qtbot.keyClick(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(win.view.ctx.dialogs), timeout=TIMEOUT)
    editor = win.view.ctx.dialogs[-1]
    assert editor.windowTitle() == "Edit patient" and editor.last_name.text() == "Martin"
    return win, editor, str(patient_id)


def _other_clinician_saves(ctx, emails, patient_id: str, **changes: Any) -> None:
    services = DesktopServices(ctx)
    mary = services.login(emails["clinician2"], PASSWORD)
    form = services.patient_form(mary, patient_id)
    services.update_patient(mary, patient_id, changes, form.clocks)


def _stored(ctx, emails, patient_id: str) -> dict[str, Any]:
    services = DesktopServices(ctx)
    return dict(
        services.patient_form(services.login(emails["clinician"], PASSWORD), patient_id).values
    )


def test_a_conflict_is_shown_and_saving_again_keeps_mine(qtbot, make_window, ctx, emails):
    _, editor, patient_id = _open_editor(qtbot, make_window, ctx, emails)
    _other_clinician_saves(ctx, emails, patient_id, birth_year=1981, pregnancy=True)
    editor.birth_year.setValue(1979)
    editor.flags["sensitive_skin"].setChecked(True)
    editor.save_button.click()
    qtbot.waitUntil(editor.conflict.isVisible, timeout=TIMEOUT)
    assert "Birth year: yours 1979, theirs 1981" in editor.conflict.text()
    assert editor.isVisible() and editor.birth_year.value() == 1979  # what I typed is still there
    stored = _stored(ctx, emails, patient_id)
    assert (stored["birth_year"], stored["sensitive_skin"]) == (1981, False)  # nothing half-saved
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=TIMEOUT)
    stored = _stored(ctx, emails, patient_id)
    assert (stored["birth_year"], stored["sensitive_skin"], stored["pregnancy"]) == (
        1979,
        True,
        True,  # the other clinician's change to another field is kept
    )


def test_taking_theirs_keeps_their_value_and_my_other_changes(qtbot, make_window, ctx, emails):
    _, editor, patient_id = _open_editor(qtbot, make_window, ctx, emails)
    _other_clinician_saves(ctx, emails, patient_id, fitzpatrick_type=5)
    editor.fitzpatrick.setCurrentIndex(2)
    editor.flags["fragrance_free"].setChecked(True)
    editor.save_button.click()
    qtbot.waitUntil(editor.take_theirs.isVisible, timeout=TIMEOUT)
    assert "Fitzpatrick type: yours Type II, theirs Type V" in editor.conflict.text()
    editor.take_theirs.click()
    assert editor.fitzpatrick.currentData() == 5
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=TIMEOUT)
    stored = _stored(ctx, emails, patient_id)
    assert (stored["fitzpatrick_type"], stored["fragrance_free"]) == (5, True)
