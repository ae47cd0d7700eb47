"""The patient list on real widgets over a real SQLite file: search as you type (wildcards and
quotes literal), paging as the table scrolls, sorting, the visit filter, and the editor."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.context import AppContext
from core.storage.models import AuditEvent
from core.storage.repositories import patients
from core.storage.repositories.patients_terms import PatientQuery
from tests.helpers.desktop import TIMEOUT, add_patients, add_visit, names, settle, sign_in
from ui.desktop.main_window import MainWindow
from ui.desktop.patients.list_page import FIRST_PAGE_SIZE, PAGE_SIZE, PatientsPage


@pytest.fixture
def page(qtbot, make_window, ctx, emails) -> PatientsPage:
    add_patients(
        ctx,
        [
            ("Ana", "Garcia", "ana.garcia@example.org"),
            ("Chloé", "Garnier", "chloe@clinic.fr"),
            ("Ben", "Okafor", "ben@example.org"),
            ("Ann_a", "O'Brien", "ann_a@example.org"),
            ("Anna", "100%Real", "anna.real@example.org"),
        ],
    )
    win: MainWindow = make_window()
    sign_in(qtbot, win, emails["clinician"])
    widget = win.view.workspace.page("patients")
    assert isinstance(widget, PatientsPage)
    settle(qtbot, widget)
    return widget


def test_search_as_you_type_over_names_and_emails(qtbot, page: PatientsPage) -> None:
    assert len(names(page)) == 6 and page.status.text() == "6 patients"  # with Pat Doe
    qtbot.keyClicks(page.search, "gar")
    settle(qtbot, page)
    assert names(page) == ["Garcia, Ana", "Garnier, Chloé"]
    page.search.clear()
    qtbot.keyClicks(page.search, "CLINIC.FR")
    settle(qtbot, page)
    assert names(page) == ["Garnier, Chloé"] and page.status.text() == "1 patient"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("_", ["O'Brien, Ann_a"]),
        ("%", ["100%Real, Anna"]),
        ("'", ["O'Brien, Ann_a"]),
        ("o'b", ["O'Brien, Ann_a"]),
        ('"', []),
        ("%'; --", []),
    ],
)
def test_wildcards_and_quotes_in_the_search_are_literal(
    qtbot, page: PatientsPage, typed: str, expected: list[str]
) -> None:
    qtbot.keyClicks(page.search, typed)
    settle(qtbot, page)
    assert names(page) == expected
    if not expected:
        assert page.status.text() == f"No patient matches “{typed}”."


def test_a_search_too_long_says_why(qtbot, page: PatientsPage) -> None:
    page.search.setText("x" * 201)
    settle(qtbot, page)
    assert names(page) == [] and "200 characters" in page.status.text()


def test_only_the_last_keystroke_answer_is_shown(qtbot, page: PatientsPage) -> None:
    for text in ("o", "ok", "oka", "okaf"):
        page.search.setText(text)
        page.reload()  # no typing pause: every keystroke's query is in flight at once
    settle(qtbot, page)
    qtbot.wait(200)
    assert names(page) == ["Okafor, Ben"]


def test_the_table_loads_pages_as_it_scrolls(qtbot, make_window, ctx, emails) -> None:
    add_patients(ctx, [(f"P{i:03d}", f"Many{i:03d}", f"p{i}@example.org") for i in range(450)])
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    page = win.view.workspace.page("patients")
    settle(qtbot, page)
    assert page.model.rowCount() == FIRST_PAGE_SIZE
    qtbot.waitUntil(lambda: page.status.text() == "451 patients", timeout=TIMEOUT)  # + Pat Doe
    for expected in (FIRST_PAGE_SIZE + PAGE_SIZE, FIRST_PAGE_SIZE + 2 * PAGE_SIZE, 451):
        page.table.scrollToBottom()
        qtbot.waitUntil(lambda n=expected: page.model.rowCount() == n, timeout=TIMEOUT)
    assert names(page)[-1] == "Many449, P449"
    assert len(set(names(page))) == 451
    assert not page.model.canFetchMore()


def test_sort_by_last_visit_and_filter_by_it(qtbot, make_window, ctx, emails) -> None:
    ids = add_patients(
        ctx,
        [
            ("Old", "Visit", "old@example.org"),
            ("New", "Visit", "new@example.org"),
            ("No", "Visit", "none@example.org"),
        ],
    )
    add_visit(ctx, ids[0], 500)
    add_visit(ctx, ids[1], 2)
    win = make_window()
    sign_in(qtbot, win, emails["clinician"])
    page = win.view.workspace.page("patients")
    page.search.setText("visit")
    settle(qtbot, page)
    page.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    settle(qtbot, page)
    assert names(page) == ["Visit, New", "Visit, Old", "Visit, No"]
    assert page.model.data(page.model.index(2, 4)) == "Never"
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    settle(qtbot, page)
    assert names(page) == ["Visit, Old", "Visit, No", "Visit, New"]
    page.visits.setCurrentIndex(1)  # seen in the last 30 days
    settle(qtbot, page)
    assert names(page) == ["Visit, New"]
    page.visits.setCurrentIndex(4)  # never analysed
    settle(qtbot, page)
    assert names(page) == ["Visit, No"]


def test_find_shortcut_focuses_the_search(qtbot, page: PatientsPage) -> None:
    win = page.window()
    page.table.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()


def test_new_patient_from_ctrl_n(qtbot, page: PatientsPage, ctx: AppContext) -> None:
    win = page.window()
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = win.view.ctx.dialogs[-1]
    assert editor.windowTitle() == "New patient"
    editor.first_name.setText("Zoé")
    editor.last_name.setText("Martin")
    editor.email.setText("zoe@example.org")
    editor.birth_year.setValue(1988)
    editor.fitzpatrick.setCurrentIndex(3)
    editor.flags["fragrance_free"].setChecked(True)
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=TIMEOUT)
    settle(qtbot, page)
    assert "Martin, Zoé" in names(page)
    assert "Saved Zoé Martin." in page.notice.text()
    with ctx.database.read() as session:
        rows, _ = patients.search(session, PatientQuery(text="zoe"), now=datetime.now(UTC))
        (user_id,) = [r.user_id for r in rows]
        values = patients.profile(session, user_id).values
        events = session.scalars(select(AuditEvent.action)).all()
    assert (values["birth_year"], values["fitzpatrick_type"], values["fragrance_free"]) == (
        1988,
        3,
        True,
    )
    assert "patient_created" in events


def test_the_editor_refuses_bad_values_with_a_message(qtbot, page: PatientsPage) -> None:
    qtbot.keyClick(page.window(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = page.window().view.ctx.dialogs[-1]
    editor.first_name.setText("No")
    editor.last_name.setText("Email")
    editor.email.setText("not-an-email")
    editor.save_button.click()
    qtbot.waitUntil(lambda: editor.error.isVisible(), timeout=TIMEOUT)
    assert "valid email" in editor.error.text() and editor.isVisible()
    editor.email.setText("ben@example.org")
    editor.save_button.click()
    qtbot.waitUntil(lambda: "already exists" in editor.error.text(), timeout=TIMEOUT)


def test_queries_overtaken_by_typing_are_not_run(qtbot, page: PatientsPage, monkeypatch) -> None:
    """Keystrokes queued behind a slow query: only the last one reaches the database, and no
    count of an older text holds up the newer page."""
    services = page.ctx.services
    asked: list[tuple[str, str]] = []
    find, count = services.find_patients, services.count_patients

    def spy_find(session, query, cursor, limit):
        asked.append(("page", query.text))
        return find(session, query, cursor, limit)

    def spy_count(session, query, cap):
        asked.append(("count", query.text))
        return count(session, query, cap)

    monkeypatch.setattr(services, "find_patients", spy_find)
    monkeypatch.setattr(services, "count_patients", spy_count)
    gate = threading.Event()
    page.ctx.runner.db(lambda: gate.wait(10), lambda _result: None)  # the database is busy
    for text in ("o", "ok", "oka", "okaf"):
        page.search.setText(text)
        page.reload()
    gate.set()
    settle(qtbot, page)
    qtbot.wait(200)
    assert names(page) == ["Okafor, Ben"] and page.status.text() == "1 patient"
    assert asked == [("page", "okaf")]


def test_a_keystroke_is_answered_without_waiting_for_the_pause_and_the_count_waits(
    qtbot, page: PatientsPage, ctx: AppContext, monkeypatch
) -> None:
    """The page of each keystroke is asked at once; only the count waits for the pause."""
    add_patients(
        ctx, [(f"Zed{i:03d}", "Many", f"zed{i}@example.org") for i in range(FIRST_PAGE_SIZE + 5)]
    )
    counted: list[str] = []
    count = page.ctx.services.count_patients

    def spy_count(session, query, cap):
        counted.append(query.text)
        return count(session, query, cap)

    monkeypatch.setattr(page.ctx.services, "count_patients", spy_count)
    page.typing.setInterval(600_000)  # a pause that does not end during the test
    qtbot.keyClicks(page.search, "zed")
    qtbot.waitUntil(lambda: page.model.rowCount() == FIRST_PAGE_SIZE, timeout=TIMEOUT)
    assert page.typing.isActive() and names(page)[0] == "Many, Zed000"
    assert page.status.text() == f"{FIRST_PAGE_SIZE}+ patients"
    qtbot.wait(100)
    assert counted == []  # still typing: no count yet
    page.typing.setInterval(1)
    page.typing.start()  # the pause ends
    qtbot.waitUntil(
        lambda: page.status.text() == f"{FIRST_PAGE_SIZE + 5} patients", timeout=TIMEOUT
    )
    assert counted == ["zed"]


def test_rows_stay_on_screen_until_the_new_page_replaces_them(qtbot, page: PatientsPage) -> None:
    """No blank table between keystrokes and no model reset: the rows that differ are changed."""
    before = names(page)
    resets: list[bool] = []
    page.model.modelReset.connect(lambda: resets.append(True))
    gate = threading.Event()
    page.ctx.runner.db(lambda: gate.wait(10), lambda _result: None)  # the database is busy
    page.search.setText("okaf")
    qtbot.wait(50)
    assert names(page) == before and page.model.loading  # the old rows, until the answer
    gate.set()
    settle(qtbot, page)
    assert names(page) == ["Okafor, Ben"] and resets == []
    page.search.setText("ga")
    settle(qtbot, page)
    assert names(page) == ["Garcia, Ana", "Garnier, Chloé"] and resets == []
