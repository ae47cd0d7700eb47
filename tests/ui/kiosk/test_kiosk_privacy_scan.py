"""A full kiosk run through the real window (sign-in, capture, analyse, report, email queued,
reset), then a guest's, then a scan of the data and temp folders: no JPEG, PNG or PDF readable
anywhere, no name or email in any file, every file 0600 and every folder 0700; and nothing of the
guest stored at all."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.context import AppContext
from core.config import load_settings
from core.storage.models import EmailMessage, SkinAnalysisResult
from tests.helpers.kiosk import PASSWORD, TIMEOUT, stored_counts, wait_for_results
from tests.helpers.scan import scan_for_leaks
from ui.kiosk.window import KioskWindow

NAME, SURNAME, EMAIL = "Wilhelmina", "Quennell-Oduya", "wilhelmina.quennell@example.org"
GUEST_EMAIL = "passer.by.guest@example.net"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp folder SkinLab and Qt see, so that the scan covers it too."""
    folder = tmp_path / "tmp"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


@pytest.fixture
def ctx(tmp_path: Path, scratch: Path) -> Iterator[AppContext]:
    context = AppContext(
        load_settings(data_dir=tmp_path / "data", clinic_name="Rue Cler Dermatology")
    )
    context.database  # noqa: B018  (migrate before the window starts)
    yield context
    context.close()


def _patient_visit(qtbot, win: KioskWindow) -> None:
    win.attract.start_button.click()
    win.sign_in.email.setText(EMAIL)
    win.sign_in.password.setText(PASSWORD)
    win.sign_in.sign_in_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen, timeout=TIMEOUT)
    assert not win.consent_screen.store.isChecked(), "keeping the photo is never the default"
    win.consent_screen.store.setChecked(True)
    win.consent_screen.agree.click()
    wait_for_results(qtbot, win)
    assert win.view is not None and win.view.saved
    win.results.take_button.click()
    qtbot.waitUntil(lambda: win.takeaway_actions.pdf is not None, timeout=TIMEOUT)
    qtbot.waitUntil(win.takeaway.email_button.isEnabled, timeout=TIMEOUT)
    assert win.takeaway.address.text() == EMAIL
    win.takeaway.email_button.click()
    qtbot.waitUntil(lambda: "Queued" in win.takeaway.email_status.text(), timeout=TIMEOUT)
    win.takeaway.finish_button.click()


def _guest_visit(qtbot, win: KioskWindow) -> None:
    win.attract.start_button.click()
    win.sign_in.guest_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen, timeout=TIMEOUT)
    win.consent_screen.agree.click()
    wait_for_results(qtbot, win)
    assert win.view is not None and not win.view.saved
    win.results.take_button.click()
    qtbot.waitUntil(lambda: win.takeaway_actions.pdf is not None, timeout=TIMEOUT)
    win.takeaway.address.setText(GUEST_EMAIL)  # no mail server: a guest cannot send, nothing kept
    assert not win.takeaway.email_button.isEnabled()
    win.idle.expired.emit()  # the guest walks away: the idle reset


def test_a_kiosk_run_leaves_nothing_readable(qtbot, make_window, ctx, tmp_path, scratch):
    ctx.auth.register(
        email=EMAIL, first_name=NAME, last_name=SURNAME, role="patient", password=PASSWORD
    )
    win = make_window("demo")
    _patient_visit(qtbot, win)
    assert win.stack.currentWidget() is win.attract and win.patient is None
    _guest_visit(qtbot, win)
    assert win.stack.currentWidget() is win.attract and win.view is None
    qtbot.waitUntil(lambda: stored_counts(ctx)["analyses"] == 1, timeout=TIMEOUT)
    with ctx.database.read() as session:
        (kept,) = session.scalars(select(SkinAnalysisResult)).all()
        assert kept.user_id is not None, "the patient's analysis only; the guest's was never kept"
        (message,) = session.scalars(select(EmailMessage)).all()
        assert message.to_address == EMAIL and message.status == "queued"
        photo, report = kept.image_sha256, message.attachment_sha256
    # Her photo and the queued report are on disk, readable only through SkinLab's key.
    assert photo and ctx.images.read(photo).startswith(b"\xff\xd8")
    assert report and ctx.images.read(report).startswith(b"%PDF-1.")
    secrets = [NAME, SURNAME, EMAIL, GUEST_EMAIL]
    assert scan_for_leaks([tmp_path / "data", scratch], secrets=secrets) == []
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
