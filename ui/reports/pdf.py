"""Render a :class:`ReportData` to an A4 PDF with Qt alone (QPdfWriter + QPainter, no browser).

The PDF is built in memory, then written to a temporary file beside the target and renamed over
it: a full disk or a pulled USB stick leaves the old file (or nothing), never half a report.
Safe to call from a worker thread once a QGuiApplication exists (only QImage is used, no QPixmap).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QMarginsF, QRectF
from PySide6.QtGui import QImage, QPageSize, QPainter, QPdfWriter

from core import files
from ui.reports.chrome import compact_header, footer
from ui.reports.errors import ReportError
from ui.reports.layout import Sheet
from ui.reports.model import ReportData
from ui.reports.page_one import draw_page_one
from ui.reports.page_two import Flow, draw_page_two
from ui.widgets.images import decoded_image

_app: QCoreApplication | None = None


def ensure_gui_app() -> QCoreApplication:
    """The running application, or a new offscreen one (the CLI and tests have no window).

    A QApplication rather than a bare QGuiApplication, so widgets created later in the same
    process still work.
    """
    global _app
    existing = QCoreApplication.instance()
    if existing is not None:
        return existing
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("Create the QApplication on the main thread before rendering reports")
    # lazy: QtWidgets loads only when no application exists yet (a command line report)
    from PySide6.QtWidgets import QApplication

    argv = ["skinlab-report"]
    if not os.environ.get("QT_QPA_PLATFORM"):
        argv += ["-platform", "offscreen"]
    _app = QApplication(argv)
    return _app


def _face_crop(photo: QImage, result: dict[str, object]) -> QImage:
    """The photo cut to a portrait around the face, so the face is not lost in a wide shot."""
    face = result.get("face")
    size = result.get("image_size")
    box = face.get("box") if isinstance(face, dict) else None
    if not (isinstance(box, list) and len(box) == 4 and isinstance(size, dict)):
        return photo
    scale = photo.width() / max(1, int(size.get("width", photo.width())))
    x0, y0, x1, y1 = (float(v) * scale for v in box)
    width = min(photo.width(), (x1 - x0) * 2.2)
    height = min(photo.height(), width * 1.4)
    width = min(width, height / 1.4)
    left = min(max(0.0, (x0 + x1) / 2 - width / 2), photo.width() - width)
    top = min(max(0.0, (y0 + y1) / 2 - height * 0.45), photo.height() - height)
    return photo.copy(QRectF(left, top, width, height).toRect())


def _framed(image: QImage, result: dict[str, object]) -> QImage:
    """Overlays drawn on the whole photo (same shape as it) are cut to the face like the photo;
    overlays already on the aligned face (``app.reports``) are used as they are."""
    size = result.get("image_size")
    if not isinstance(size, dict) or not size.get("width") or not size.get("height"):
        return image
    photo_aspect = float(size["width"]) / float(size["height"])
    if abs(image.width() / max(1, image.height()) - photo_aspect) < 0.01:
        return _face_crop(image, result)
    return image


def _overlays(data: ReportData) -> dict[str, QImage]:
    decoded = {k: img for k, v in data.overlays.items() if (img := decoded_image(v)) is not None}
    return {k: _framed(img, data.result) for k, img in decoded.items()}


def _hero(data: ReportData, overlays: dict[str, QImage]) -> tuple[QImage | None, bool]:
    """The overall overlay when there is one, else the plain photo; and whether it is an overlay."""
    if "overall" in overlays:
        return overlays["overall"], True
    photo = decoded_image(data.photo_jpeg)
    return (_face_crop(photo, data.result), False) if photo is not None else (None, False)


def paint_a4(title: str, draw: Callable[[QPdfWriter, Sheet], None]) -> bytes:
    """An A4 PDF, drawn by ``draw`` on a sheet measured in points (1/72 inch), as bytes. The one
    place the visit report and the progress report set up Qt's PDF writer."""
    ensure_gui_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(title)
    writer.setCreator("SkinLab")
    painter = QPainter(writer)
    if not painter.isActive():
        raise ReportError("The report could not be drawn (the PDF writer did not start).")
    try:
        scale = writer.resolution() / 72.0
        painter.scale(scale, scale)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        sheet = Sheet(
            painter,
            resolution=writer.resolution(),
            width=writer.width() / scale,
            height=writer.height() / scale,
        )
        draw(writer, sheet)
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def render_pdf_bytes(data: ReportData) -> bytes:
    """The whole report as PDF bytes (page one, then as many pages as the advice needs, usually one)."""

    def draw(writer: QPdfWriter, sheet: Sheet) -> None:
        overlays = _overlays(data)
        hero, is_overlay = _hero(data, overlays)
        logo = QImage(str(data.logo_path)) if data.logo_path else None
        draw_page_one(
            sheet,
            data,
            hero=hero,
            logo=logo if logo is not None and not logo.isNull() else None,
            hero_is_overlay=is_overlay,
        )
        pages = [1]

        def new_page() -> float:
            writer.newPage()
            pages.append(len(pages) + 1)
            footer(sheet, pages[-1], f"{data.clinic_name}  \u00b7  skin analysis report")
            return compact_header(sheet, data) + 20

        flow = Flow(sheet, new_page(), new_page)
        draw_page_two(flow, data, overlays=overlays)

    return paint_a4(f"Skin analysis report - {data.clinic_name}", draw)


REPORT = "the report"


def check_target(target: Path) -> None:
    """Fail early, before any rendering, on a target that is a folder or in a missing folder."""
    try:
        files.check_target(target, what=REPORT)
    except files.NotSavedError as exc:
        raise ReportError(exc.message) from exc


def save_atomically(pdf: bytes, target: Path) -> Path:
    """Write ``pdf`` to ``target`` whole or not at all (:func:`core.files.write_file`)."""
    try:
        return files.write_file(target, pdf, mode=0o644, what=REPORT)
    except files.NotSavedError as exc:
        raise ReportError(exc.message) from exc


def render_report(data: ReportData, out_path: Path) -> Path:
    """Render ``data`` to ``out_path`` (A4 PDF). Raises :class:`ReportError` if it cannot be saved."""
    target = Path(out_path).expanduser()
    check_target(target)
    return save_atomically(render_pdf_bytes(data), target)
