"""Take it away: the PDF saved and readable, a full USB stick, no printer, email queued."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.storage.models import EmailMessage
from tests.helpers.kiosk import TIMEOUT, go_to_capture, stored_counts, wait_for_results
from ui.kiosk.ports import ConsentChoice


def _to_takeaway(qtbot, win, choice: ConsentChoice | None = None) -> bytes:
    go_to_capture(qtbot, win, choice=choice)
    wait_for_results(qtbot, win)
    win.results.take_button.click()
    assert win.stack.currentWidget() is win.takeaway
    qtbot.waitUntil(lambda: win.takeaway_actions.pdf is not None, timeout=TIMEOUT)
    assert win.takeaway.folder_button.isEnabled()
    return win.takeaway_actions.pdf


def test_report_saved_to_a_folder_is_a_readable_pdf(qtbot, make_window, tmp_path):
    win = make_window("demo")
    _to_takeaway(qtbot, win)
    usb = tmp_path / "usb"
    usb.mkdir()
    win.takeaway.save_to.emit(usb)
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


def test_full_usb_stick_is_explained_and_leaves_no_partial_file(qtbot, make_window, tmp_path):
    with _tiny_disk(tmp_path / "stick") as stick:
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


def test_email_is_queued_with_the_report(qtbot, make_window, ctx):
    win = make_window("demo")
    pdf = _to_takeaway(qtbot, win)
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


def test_email_is_not_offered_without_consent(qtbot, make_window, ctx):
    win = make_window("demo")
    _to_takeaway(qtbot, win, ConsentChoice(granted=False))
    assert not win.takeaway.email_button.isEnabled()
    assert "consent" in win.takeaway.email_status.text()
    assert stored_counts(ctx)["emails"] == 0
