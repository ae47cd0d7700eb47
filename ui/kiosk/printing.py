"""Printing the PDF report: say plainly when no printer is there; otherwise straight to the clinic's
printer, the pages rendered and sent on a worker thread (QPainter may paint a QPrinter there).

There is no print dialog in kiosk mode: Qt's offers "Print to File (PDF)" and a file browser. The
printer is a real, installed one by name, in the native format, with no output file; anything else
is refused before a page is drawn.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from core.errors import SkinLabError

NO_PRINTER = "No printer is connected to this kiosk. Please ask at the desk."


class PrintError(SkinLabError):
    code = "print_failed"


def default_printer() -> str:
    """The name of the printer to use, or "" when this machine has none."""
    info = QPrinterInfo.defaultPrinter()
    if not info.isNull():
        return info.printerName()
    printers = QPrinterInfo.availablePrinters()
    return printers[0].printerName() if printers else ""


def clinic_printer(name: str) -> QPrinter:
    """A printer for ``name``, an installed printer (UI thread); never a file or a PDF."""
    if name not in QPrinterInfo.availablePrinterNames():
        raise PrintError(f"The printer {name!r} is not available. Please ask at the desk.")
    printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    printer.setOutputFileName("")
    printer.setCopyCount(1)
    check_not_a_file(printer)
    return printer


def check_not_a_file(printer: QPrinter) -> None:
    """Refuse a printer that would write a file instead of paper."""
    if (
        printer.outputFormat() != QPrinter.OutputFormat.NativeFormat
        or printer.outputFileName()
        or not printer.isValid()
    ):
        raise PrintError("The kiosk prints on paper only. Please ask at the desk.")


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Render every page of ``pdf`` onto ``printer``; returns the page count. Runs on a worker."""
    check_not_a_file(printer)
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise PrintError("The report could not be prepared for printing.")
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("The printer is not responding. Check that it is on and has paper.")
    try:
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            area: QRect = painter.viewport()
            page = document.pagePointSize(index).toSize()
            size = QSize(page).scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            image = document.render(index, size)
            painter.drawImage(QRect(area.topLeft(), size), image)
    finally:
        painter.end()
        document.close()
    return document.pageCount()
