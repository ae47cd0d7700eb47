"""Printing the PDF report: say plainly when no printer is there; otherwise the print dialog, then
the pages rendered and sent to the printer on a worker thread (QPainter may paint a QPrinter there).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

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


def ask_printer(parent: QWidget) -> QPrinter | None:
    """The print dialog (UI thread); ``None`` when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(default_printer())
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print your report")
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Render every page of ``pdf`` onto ``printer``; returns the page count. Runs on a worker."""
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
