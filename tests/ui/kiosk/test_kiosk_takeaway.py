"""Take it away: the PDF saved to a USB stick (and nowhere else), a full stick, no printer, a
patient's email queued, a guest's sent at once or not offered, and nothing of a guest kept."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.storage.models import EmailMessage
from tests.helpers.kiosk import PASSWORD, TIMEOUT, go_to_capture, stored_counts, wait_for_results
from tests.helpers.smtp import free_port
from ui.kiosk.ports import ConsentChoice

MAYA = "maya@example.com"


def _to_takeaway(qtbot, win, choice: ConsentChoice | None = None, *, email: str = "") -> bytes:
    go_to_capture(qtbot, win, choice=choice, email=email)
    wait_for_results(qtbot, win)
    win.results.take_button.click()
    assert win.stack.currentWidget() is win.takeaway
    qtbot.waitUntil(lambda: win.takeaway_actions.pdf is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: win.takeaway._offer is not None, timeout=TIMEOUT)
    return win.takeaway_actions.pdf


def _maya(ctx) -> str:
    ctx.auth.register(
        email=MAYA, first_name="Maya", last_name="Ortiz", role="patient", password=PASSWORD
    )
    return MAYA


def test_report_saved_to_a_usb_stick_is_a_readable_pdf(qtbot, make_window, services, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    services.drives = [("KINGSTON", usb)]
    win = make_window("demo")
    _to_takeaway(qtbot, win)
    qtbot.waitUntil(lambda: len(win.takeaway._drive_buttons) == 1, timeout=TIMEOUT)
    button = win.takeaway._drive_buttons[0]
    assert button.text() == "Save to KINGSTON" and button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: win.takeaway.save_status.text().startswith("Saved"), timeout=TIMEOUT)
    files = list(usb.glob("skin-report-*.pdf"))
    assert len(files) == 1
    reader = PdfReader(str(files[0]))
    assert len(reader.pages) >= 1
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "rue cler dermatology" in text.lower()
    assert f"{win.view.result.score.shown} out of 100" in text
    win.takeaway.save_to.emit(usb)  # a second copy never overwrites the first
    qtbot.waitUntil(lambda: len(list(usb.glob("*.pdf"))) == 2, timeout=TIMEOUT)


@contextlib.contextmanager
def _tiny_disk(where: Path):
    where.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
            check=True, capture_output=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a 64 KB tmpfs here (needs root and mount): {exc}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False, capture_output=True, timeout=10)


def test_a_folder_that_is_not_a_usb_stick_is_refused(qtbot, make_window, services, tmp_path):
    services.drives = [("KINGSTON", tmp_path / "usb")]
    (tmp_path / "usb").mkdir()
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    win = make_window("demo")
    _to_takeaway(qtbot, win)
    for folder in (elsewhere, tmp_path / "usb" / ".." / "home"):
        win.takeaway.save_status.setText("")
        win.takeaway.save_to.emit(folder)  # as a forged or stale button would
        qtbot.waitUntil(lambda: "USB" in win.takeaway.save_status.text(), timeout=TIMEOUT)
        assert "only reads and writes USB sticks" in win.takeaway.save_status.text()
    assert list(elsewhere.iterdir()) == []


def test_full_usb_stick_is_explained_and_leaves_no_partial_file(
    qtbot, make_window, services, tmp_path
):
    with _tiny_disk(tmp_path / "stick") as stick:
        services.drives = [("TINY", stick)]
        win = make_window("demo")
        pdf = _to_takeaway(qtbot, win)
        assert len(pdf) > 64 * 1024, "the report must not fit, or this test proves nothing"
        win.takeaway.save_to.emit(stick)
        qtbot.waitUntil(lambda: "space" in win.takeaway.save_status.text(), timeout=TIMEOUT)
        assert "not enough free space" in win.takeaway.save_status.text()
        assert list(stick.iterdir()) == []


def test_missing_printer_is_said_instead_of_failing(qtbot, make_window):
    win = make_window("demo")
    _to_takeaway(qtbot, win)
    assert not win.takeaway.print_button.isEnabled()
    assert "No printer" in win.takeaway.print_status.text()
    win.takeaway.print_report.emit()
    assert "No printer" in win.takeaway.print_status.text()


def test_a_patients_email_is_queued_with_the_report(qtbot, make_window, ctx):
    win = make_window("demo")
    pdf = _to_takeaway(qtbot, win, email=_maya(ctx))
    assert win.takeaway.address.text() == MAYA
    win.takeaway.address.setText("not an address")
    win.takeaway.email_button.click()
    qtbot.waitUntil(lambda: "Queuing" not in win.takeaway.email_status.text(), timeout=TIMEOUT)
    assert stored_counts(ctx)["emails"] == 0 and win.takeaway.email_status.text()
    win.takeaway.address.setText("Maya@Example.com")
    win.takeaway.email_button.click()
    qtbot.waitUntil(lambda: "mail server" in win.takeaway.email_status.text(), timeout=TIMEOUT)
    with ctx.database.read() as session:
        message = session.scalars(select(EmailMessage)).one()
        assert message.to_address == "maya@example.com" and message.status == "queued"
        assert ctx.images.read(message.attachment_sha256) == pdf


def test_email_is_not_offered_to_a_patient_without_consent(qtbot, make_window, ctx):
    win = make_window("demo")
    _to_takeaway(qtbot, win, ConsentChoice(granted=False), email=_maya(ctx))
    qtbot.waitUntil(lambda: "consent" in win.takeaway.email_status.text(), timeout=TIMEOUT)
    assert not win.takeaway.email_button.isEnabled()
    assert stored_counts(ctx)["emails"] == 0


def test_a_guest_gets_no_email_when_the_kiosk_cannot_send(qtbot, make_window, ctx):
    """No mail server: a guest's email could only wait on disk, and a guest's visit is never kept."""
    win = make_window("demo")
    _to_takeaway(qtbot, win)
    assert "keeps nothing of a guest" in win.takeaway.email_status.text()
    assert not win.takeaway.email_button.isEnabled() and not win.takeaway.address.isEnabled()


def test_a_guests_email_is_sent_at_once_and_nothing_is_kept(
    qtbot, make_window, ctx, smtp_server, tmp_path
):
    inbox, port = smtp_server
    ctx.settings = ctx.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    )
    win = make_window("demo")
    pdf = _to_takeaway(qtbot, win)
    assert "not kept" in win.takeaway.email_status.text()
    assert win.takeaway.email_button.text() == "Send now"
    win.takeaway.address.setText("Guest@Example.org")
    win.takeaway.email_button.click()
    qtbot.waitUntil(lambda: win.takeaway.email_status.text().startswith("Sent"), timeout=TIMEOUT)
    assert win.takeaway.email_status.text() == "Sent to guest@example.org."
    (message,) = inbox.messages
    assert message["To"] == "guest@example.org"
    attachment = next(p for p in message.walk() if p.get_filename())
    assert attachment.get_payload(decode=True) == pdf
    assert stored_counts(ctx) == {"analyses": 0, "images": 0, "emails": 0, "consents": 1}
    assert not any((tmp_path / "data" / "images").rglob("*.*"))


def test_a_guests_email_that_cannot_go_now_is_dropped_with_a_message(
    qtbot, make_window, ctx, tmp_path
):
    ctx.settings = ctx.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_timeout_seconds": 2}
    )  # nobody listens there
    win = make_window("demo")
    _to_takeaway(qtbot, win)
    win.takeaway.address.setText("guest@example.org")
    win.takeaway.email_button.click()
    qtbot.waitUntil(lambda: "Nothing was kept" in win.takeaway.email_status.text(), timeout=TIMEOUT)
    assert "cannot be reached" in win.takeaway.email_status.text()
    assert stored_counts(ctx)["emails"] == 0 and stored_counts(ctx)["images"] == 0
