"""A patient's record on real widgets: details, the visit timeline with its thumbnails, the trend
of each measure, append-only notes with author and time, consent history."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.storage.models import AuditEvent, ClinicianNote
from core.storage.repositories import consents, patients
from tests.helpers.desktop import TIMEOUT, add_analysis, add_patients, settle, sign_in
from ui.desktop.record.record_page import RecordPage
from ui.desktop.record.timeline import ID_ROLE


@pytest.fixture
def zoe(ctx) -> str:
    (patient,) = add_patients(ctx, [("Zoé", "Martin", "zoe@example.org")])
    with ctx.database.write() as session:
        user = patients.require_patient(session, patient)
        user.birth_year, user.fitzpatrick_type, user.sensitive_skin = 1988, 3, True
        consents.record(
            session, user_id=patient, text_version="kiosk-2026.1", granted=True, allow_storage=True
        )
    for i, days in enumerate((300, 200, 100, 10)):
        add_analysis(
            ctx,
            patient,
            days_ago=days,
            score=60 + 5 * i,
            metrics={"redness": 50 - 10 * i, "pores": 30.0},
            shade=40 * i,
        )
    return str(patient)


def open_record(qtbot: Any, make_window, emails, name: str = "martin") -> RecordPage:
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    page = win.view.workspace.page("patients")
    page.search.setText(name)
    settle(qtbot, page)
    page.table.selectRow(0)
    page.table.activated.emit(page.table.currentIndex())
    record = win.view.workspace.page("record")
    qtbot.waitUntil(lambda: record.painted, timeout=TIMEOUT)
    assert win.view.workspace.current_key == "record"
    return record


def test_the_record_shows_details_visits_trend_and_consents(qtbot, make_window, emails, zoe):
    record = open_record(qtbot, make_window, emails)
    assert record.title.text() == "Zoé Martin"
    details = record.details.text()
    assert "Born 1988" in details and "Fitzpatrick type III" in details
    assert "Sensitive skin" in details and "zoe@example.org" in details
    assert "Zoé Martin" in record.window().view.workspace.crumbs.text()
    assert record.timeline.count() == 4
    assert record.timeline.item(3).text().endswith("Score 75")  # newest on the right
    assert [p.value for p in record.chart.points] == [60, 65, 70, 75]
    record.measure.setCurrentIndex(record.measure.findData("redness"))
    assert [p.value for p in record.chart.points] == [50, 40, 30, 20]
    assert record.chart.caption == "lower is better" and record.chart.title == "Redness"
    assert record.consents.rowCount() == 1
    assert record.consents.item(0, 2).text() == "Agreed"


def test_thumbnails_arrive_after_the_record(qtbot, make_window, emails, zoe):
    record = open_record(qtbot, make_window, emails)
    blank = record.timeline._blank.pixmap(88, 88).toImage()

    def loaded() -> bool:
        return all(
            record.timeline.item(r).icon().pixmap(88, 88).toImage() != blank
            for r in range(record.timeline.count())
        )

    qtbot.waitUntil(loaded, timeout=TIMEOUT)


def test_notes_are_added_with_author_and_time(qtbot, make_window, emails, zoe, ctx):
    record = open_record(qtbot, make_window, emails)
    assert record.notes.empty.isVisible()
    assert not record.notes.button.isEnabled()
    record.notes.editor.setPlainText("Redness down after azelaic acid; keep SPF.")
    record.notes.button.click()
    qtbot.waitUntil(lambda: record.notes.list.count() == 1, timeout=TIMEOUT)
    text = record.notes.list.item(0).text()
    assert text.startswith("Grace Hopper · ") and text.endswith("keep SPF.")
    assert record.notes.editor.toPlainText() == ""
    with ctx.database.read() as session:
        note = session.scalars(select(ClinicianNote)).one()
        actions = set(session.scalars(select(AuditEvent.action)))
    assert str(note.patient_id) == zoe and note.author_id is not None
    assert {"record_viewed", "note_added"} <= actions


def test_a_note_too_long_is_not_sent(qtbot, make_window, emails, zoe):
    record = open_record(qtbot, make_window, emails)
    record.notes.editor.setPlainText("x" * 20_001)
    assert not record.notes.button.isEnabled()
    record.notes.editor.setPlainText("   ")
    assert not record.notes.button.isEnabled()


def test_selecting_visits_drives_open_and_compare(qtbot, make_window, emails, zoe):
    record = open_record(qtbot, make_window, emails)
    assert not record.open_button.isEnabled() and record.compare_button.isEnabled()
    record.timeline.item(1).setSelected(True)
    assert record.open_button.isEnabled() and not record.compare_button.isEnabled()
    record.timeline.item(3).setSelected(True)
    assert record.compare_button.isEnabled()
    wanted: list[tuple[str, str, str]] = []
    record.compare_wanted.connect(lambda *args: wanted.append(args))
    record.compare_button.click()
    ids = [record.timeline.item(r).data(ID_ROLE) for r in (1, 3)]
    assert wanted == [(zoe, ids[0], ids[1])]
    assert set(record.chart.marked) == set(ids)


def test_a_late_answer_for_another_patient_is_dropped(qtbot, make_window, emails, zoe, ctx):
    (other,) = add_patients(ctx, [("Other", "Person", "other@example.org")])
    record = open_record(qtbot, make_window, emails)
    record.show_patient(str(other))
    record.show_patient(zoe)
    qtbot.waitUntil(lambda: record.painted, timeout=TIMEOUT)
    qtbot.wait(300)
    assert record.title.text() == "Zoé Martin" and record.patient_id == zoe
