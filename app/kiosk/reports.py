"""The kiosk's "take it away": the PDF report as bytes, written to a folder or USB stick.

The PDF itself is drawn by :mod:`ui.reports.pdf` (Qt, no browser); this module only gathers its data
and turns disk failures (a full or removed USB stick) into messages a person can act on.
"""

from __future__ import annotations

import errno
import os
import tempfile
from datetime import datetime
from pathlib import Path

from app.kiosk.images import report_overlays
from core.errors import SkinLabError, StorageError
from core.imaging import encode_jpeg
from ui.kiosk.ports import AnalysisView
from ui.reports.model import ReportData


class ReportUnavailableError(SkinLabError):
    code = "report_unavailable"


def report_data(
    view: AnalysisView, *, patient_name: str | None, clinic_name: str, logo_path: Path | None
) -> ReportData:
    created = view.result.created_at
    try:
        analysed_at = datetime.fromisoformat(created) if created else None
    except ValueError:
        analysed_at = None
    return ReportData(
        result=dict(view.record),
        photo_jpeg=encode_jpeg(view.photo),
        overlays=report_overlays(view.photo, view.overlays),
        clinic_name=clinic_name,
        logo_path=logo_path,
        patient_name=patient_name,
        analysed_at=analysed_at,
        previous=dict(view.previous) if view.previous else None,
        not_compared=dict(view.not_compared),
        spreads=dict(view.spreads),
        like_for_like=dict(view.like_for_like),
        read_again=view.read_again,
    )


def build_report_pdf(
    view: AnalysisView, *, patient_name: str | None, clinic_name: str, logo_path: Path | None
) -> bytes:
    try:
        # lazy: Qt loads only when a report is rendered, and its absence is a typed error
        from ui.reports.pdf import render_report
    except ImportError as exc:
        raise ReportUnavailableError(
            "The PDF report is not available in this version of SkinLab."
        ) from exc
    data = report_data(
        view, patient_name=patient_name, clinic_name=clinic_name, logo_path=logo_path
    )
    with tempfile.TemporaryDirectory(prefix="skinlab-report-") as scratch:
        path = render_report(data, Path(scratch) / "report.pdf")
        return Path(path).read_bytes()


def write_report(pdf: bytes, *, folder: Path, name: str) -> Path:
    """Write the PDF; a partial file is removed when the disk is full or the stick is pulled."""
    target = Path(folder) / name
    stem, suffix = target.stem, target.suffix
    counter = 2
    while target.exists():
        target = target.with_name(f"{stem} ({counter}){suffix}")
        counter += 1
    try:
        with open(target, "xb") as handle:
            handle.write(pdf)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        target.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageError(
                f"There is not enough free space in {folder} for the report "
                f"({len(pdf) // 1024 + 1} KB). Use another USB stick or folder."
            ) from exc
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StorageError(
                f"The report cannot be written to {folder}: it is read-only. "
                "Use another USB stick or folder."
            ) from exc
        raise StorageError(
            f"The report could not be saved to {folder} ({exc.strerror or exc}). "
            "Check that the USB stick is still plugged in."
        ) from exc
    return target
