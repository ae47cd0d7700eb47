"""A real analysis of a real face (``skimage.data.astronaut()``), its overlays, and PDF reading."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import pytest
import skimage.data
from pypdf import PdfReader
from PySide6.QtCore import QRectF, Qt

from app.reports import build_overlays
from core.analysis import AnalysisResult, analyze
from ui.reports.layout import Sheet
from ui.reports.model import ReportData


@pytest.fixture(scope="session")
def astronaut_jpeg() -> bytes:
    rgb = skimage.data.astronaut()
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return bytes(encoded.tobytes())


@pytest.fixture(scope="session")
def portrait_jpeg() -> bytes:
    """The astronaut at twice the size (84 px between the eyes): large enough for every measure
    but pores to be measured (at 512 px most measures are declined as unsupported)."""
    rgb = cv2.resize(skimage.data.astronaut(), None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return bytes(encoded.tobytes())


@pytest.fixture(scope="session")
def analysed(portrait_jpeg: bytes) -> AnalysisResult:
    return analyze(portrait_jpeg, need_visuals=True)


@pytest.fixture(scope="session")
def overlays(analysed: AnalysisResult) -> dict[str, bytes]:
    return build_overlays(analysed)


@pytest.fixture
def make_data(
    analysed: AnalysisResult, portrait_jpeg: bytes, overlays: dict[str, bytes]
) -> Callable[..., ReportData]:
    """ReportData for the astronaut; keyword arguments override fields, ``result=`` merges."""

    def make(**changes: Any) -> ReportData:
        result = {**analysed.to_json(), **changes.pop("result", {})}
        fields: dict[str, Any] = {
            "result": result,
            "photo_jpeg": portrait_jpeg,
            "overlays": overlays,
            "clinic_name": "Riverside Dermatology",
            "patient_name": "Ada Lovelace",
            "analysed_at": datetime(2026, 3, 14, 9, 30, tzinfo=UTC),
        }
        fields.update(changes)
        return ReportData(**fields)

    return make


def words(text: str) -> str:
    """Whitespace collapsed: PDF text comes back with tabs between words and line breaks."""
    return " ".join(text.split())


def pdf_pages(path: Path) -> list[str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [words(page.extract_text() or "") for page in reader.pages]


@pytest.fixture
def read_pdf() -> Callable[[Path], list[str]]:
    return pdf_pages


@pytest.fixture
def overflowing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text every ``Sheet.text`` call drew into a box too small for it (each is clipped on
    the page, though pypdf still extracts it whole); filled while the test renders."""
    clipped: list[str] = []
    draw = Sheet.text

    def text(sheet: Sheet, rect: QRectF, text: str, **style: Any) -> float:
        used = draw(sheet, rect, text, **style)
        align = style.get("align", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        wrap = int(Qt.TextFlag.TextWordWrap) if style.get("wrap", True) else 0
        room = QRectF(rect.x(), rect.y(), rect.width(), 100_000)
        need = sheet.painter.boundingRect(room, int(align) | wrap, text)
        if need.width() > rect.width() + 0.5 or need.height() > rect.height() + 0.5:
            clipped.append(text)
        return used

    monkeypatch.setattr(Sheet, "text", text)
    return clipped
