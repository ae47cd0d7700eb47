"""The Import page in the real window: files dropped or added, a corrupt file in the batch, the
patient chosen by typing, progress with the time left, cancel half-way, nothing saved after it."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import func, select

from app.context import AppContext
from app.desktop.importing.job import BATCH_MOST
from core.storage.models import SkinAnalysisResult
from tests.helpers.desktop import TIMEOUT, sign_in, visible_texts
from tests.helpers.import_photos import good_faces, mixed_folder
from ui.desktop.importing.page import ImportPage, time_left

LONG = 240_000


def _page(qtbot, make_window, email: str) -> tuple[object, ImportPage]:
    win = make_window()
    win.services.import_workers = 2
    sign_in(qtbot, win, email)
    assert win.view is not None
    win.commands.go_import.trigger()
    page = win.view.workspace.page("import")
    assert isinstance(page, ImportPage) and win.view.workspace.current_key == "import"
    return win, page


def _choose_patient(qtbot, page: ImportPage) -> None:
    page.picker.field.setFocus()
    qtbot.keyClicks(page.picker.field, "Pat Doe")
    qtbot.waitUntil(lambda: page.picker.patient is not None, timeout=TIMEOUT)
    assert page.picker.patient.email == "pat@example.org"


def _saved(ctx: AppContext) -> int:
    with ctx.database.read() as db:
        return int(db.scalar(select(func.count()).select_from(SkinAnalysisResult)) or 0)


def _drop(page: ImportPage, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(event)


def test_a_dropped_folder_with_bad_files_imports_the_rest_and_lists_why(
    qtbot, make_window, ctx: AppContext, emails, tmp_path: Path
) -> None:
    mixed_folder(tmp_path / "card")
    _win, page = _page(qtbot, make_window, emails["clinician"])
    assert not page.start_button.isEnabled()
    _drop(page, [tmp_path / "card"])
    qtbot.waitUntil(lambda: page.files.rowCount() == 7, timeout=TIMEOUT)
    assert "1 is not a photo" in page.status.text()
    assert not page.start_button.isEnabled()  # no patient yet
    _choose_patient(qtbot, page)
    assert page.start_button.text() == "Import 6 photos" and page.start_button.isEnabled()
    page.start_button.click()
    assert page.progress.isVisible() and page.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not page.is_running, timeout=LONG)
    assert page.status.text() == (
        "Import finished: 3 saved, 3 not imported. 1 other file was not a photo. "
        "See why in the list."
    )
    texts = visible_texts(page)
    assert "Not imported: No face was found in the photo." in texts
    assert "Not imported: The file is empty (0 bytes)." in texts
    assert "Not imported: Not a photo (.txt)" in texts
    assert "Saved: Turned upright" in texts
    assert _saved(ctx) == 3


def test_cancel_half_way_saves_nothing_more(
    qtbot, make_window, ctx: AppContext, emails, tmp_path: Path
) -> None:
    # Three batches' worth: with two workers, answers finished within the hold are saved
    # together (at most BATCH_MOST), so with 8 photos on a quiet machine the first progress could
    # already be the whole card, and Cancel would find nothing left to stop.
    count = 3 * BATCH_MOST
    photos = good_faces(tmp_path / "card", count)
    corrupt = tmp_path / "card" / "zz-corrupt.jpg"
    corrupt.write_bytes(photos[0].read_bytes()[:500])
    _win, page = _page(qtbot, make_window, emails["admin"])
    page.add_paths([tmp_path / "card"])
    qtbot.waitUntil(lambda: page.files.rowCount() == count + 1, timeout=TIMEOUT)
    _choose_patient(qtbot, page)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.progress.value() >= 1, timeout=LONG)
    assert "left" in page.eta.text()
    page.cancel_button.click()
    qtbot.waitUntil(lambda: not page.is_running, timeout=LONG)
    assert page.status.text().startswith("Import cancelled:")
    saved = page.files.count("saved")
    stopped = page.files.count("not_done")
    assert 1 <= saved < count and stopped >= 1
    assert saved + stopped + page.files.count("failed") == count + 1
    qtbot.wait(3000)  # answers still arriving from the workers are not saved
    assert _saved(ctx) == saved
    with ctx.database.read() as db:
        ids = {str(a) for a in db.scalars(select(SkinAnalysisResult.analysis_id))}
    assert ids == {r.analysis_id for r in page.files.rows if r.state == "saved"}
    assert all(uuid.UUID(i) for i in ids)


def test_the_import_menu_and_the_visit_date_for_all(qtbot, make_window, emails, tmp_path: Path):
    photos = good_faces(tmp_path / "card", 2)
    win, page = _page(qtbot, make_window, emails["clinician"])
    win.commands.go_patients.trigger()
    page.add_paths(photos)
    qtbot.waitUntil(lambda: page.files.rowCount() == 2, timeout=TIMEOUT)
    page.apply_dates.click()
    assert {r.source for r in page.files.rows} == {"edited"}
    assert win.commands.import_photos.shortcut().toString() == "Ctrl+I"


def test_time_left_reads_like_a_person_would_say_it() -> None:
    assert time_left(None) == "estimating the time left…"
    assert time_left(3) == "a few seconds left"
    assert time_left(42) == "about 42 s left"
    assert time_left(130) == "about 2 min 10 s left"
    assert time_left(3 * 3600 + 60) == "about 3 h 01 min left"
