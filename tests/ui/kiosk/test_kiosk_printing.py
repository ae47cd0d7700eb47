"""Printing at the kiosk is on paper only: no print dialog (it offers "Print to File"), and a printer
that would write a file is refused before a page is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

from tests.helpers.kiosk import TIMEOUT, go_to_capture, wait_for_results
from ui.kiosk import printing


def test_a_printer_that_writes_a_file_is_refused(qtbot, tmp_path: Path) -> None:
    for fmt in (QPrinter.OutputFormat.PdfFormat, QPrinter.OutputFormat.NativeFormat):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(fmt)
        printer.setOutputFileName(str(tmp_path / "report.pdf"))
        with pytest.raises(printing.PrintError, match="paper only"):
            printing.print_pdf(b"%PDF-1.7 not used", printer)
    assert list(tmp_path.iterdir()) == []


def test_a_printer_that_is_not_installed_is_refused(qtbot) -> None:
    with pytest.raises(printing.PrintError, match="not available") as refused:
        printing.clinic_printer("Print to File (PDF)")
    assert refused.value.code == printing.PrintError.code


def test_printing_opens_no_dialog(qtbot, make_window) -> None:
    """The kiosk has no printer here: the button says so, and no dialog was ever asked for."""
    win = make_window("demo")
    go_to_capture(qtbot, win)
    wait_for_results(qtbot, win)
    win.results.take_button.click()
    qtbot.waitUntil(lambda: win.takeaway_actions.pdf is not None, timeout=TIMEOUT)
    win.takeaway.print_report.emit()
    assert win.takeaway.print_status.text() == printing.NO_PRINTER
    assert win.lockdown.refused == []
