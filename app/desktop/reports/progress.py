"""Build a progress report's data from a patient's stored visits in a period.

A measure's change between the first and the last visit that measured it is a *real change* when
it is larger than the measure's retest spread (how far a retake of the same face moves it), and
*within retest noise* otherwise; when the two photos measured it on different regions, both photos
are read again on the skin both showed (like for like), and it is *not comparable* only when that
cannot be done (a photo not on this device). Every screen decides it in one place:
``core.analysis.comparison``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import cv2
import numpy as np

from app.read_again import Reading
from core import vocabulary as vocab
from core.analysis import METRIC_NAMES
from core.analysis.comparison import compare
from core.errors import SkinLabError
from core.imaging import encode_jpeg
from core.storage.images import ImageStore
from core.storage.models import SkinAnalysisResult
from ui.reports.progress_model import MeasureProgress, ProgressPhoto, ProgressVisit

PHOTO_LONG_SIDE: Final = 720


def visit(row: SkinAnalysisResult) -> ProgressVisit:
    metrics = row.metrics or {}
    return ProgressVisit(
        when=row.created_at.astimezone(),
        score=float(row.skin_score),
        levels={k: None if metrics.get(k) is None else float(metrics[k]) for k in METRIC_NAMES},
    )


ReadAgain = Callable[[SkinAnalysisResult, SkinAnalysisResult], Reading | None]
"""Two visits read again like for like (``app.read_again.read_like_for_like``); None when that
cannot be done (a photo not on this device)."""


def changes(
    rows: Sequence[SkinAnalysisResult], read_again: ReadAgain | None = None
) -> tuple[MeasureProgress, ...]:
    """First and last measured level per measure, in the vocabulary's order. A measure the two
    visits read from different skin is read again like for like with ``read_again`` (once per
    pair of visits) and shown as that reading, or as not compared when it cannot be."""
    out = []
    again: dict[tuple[object, object], Reading | None] = {}
    for key in METRIC_NAMES:
        measured = [r for r in rows if (r.metrics or {}).get(key) is not None]
        if len(measured) < 2:
            continue
        first, last = measured[0], measured[-1]
        before, after = float(first.metrics[key]), float(last.metrics[key])
        moved = compare(key, first.result or {}, last.result or {}, levels=(before, after))
        assert moved is not None  # both levels are given
        read = ""
        if moved.verdict == "different_skin" and read_again is not None:
            pair = (first.analysis_id, last.analysis_id)
            if pair not in again:
                again[pair] = read_again(first, last)
            reading = again[pair]
            fairer = reading.changes.get(key) if reading is not None else None
            if fairer is not None:
                moved, read = fairer, fairer.reason
        judged = vocab.change(key, moved.after, moved.before, mdc=moved.spread)
        out.append(
            MeasureProgress(
                key=key,
                label=vocab.measure(key).clinical_label,
                first=moved.before,
                last=moved.after,
                delta=moved.delta,
                spread=moved.spread,
                better=None if moved.verdict == "different_skin" else judged.better,
                not_comparable="" if read else moved.reason,
                like_for_like=read,
            )
        )
    return tuple(out)


def _face(jpeg: bytes, result: Mapping[str, Any]) -> bytes:
    """The face, cut to a portrait and made small enough for a printed page."""
    data = np.frombuffer(jpeg, dtype=np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if bgr is None:
        return jpeg
    rgb = np.ascontiguousarray(bgr[:, :, ::-1], dtype=np.uint8)
    height, width = rgb.shape[:2]
    box = (result.get("face") or {}).get("box")
    if isinstance(box, list) and len(box) == 4:
        x0, y0, x1, y1 = (float(v) for v in box)
        half = 1.1 * max(x1 - x0, y1 - y0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        left, right = int(max(0, cx - half)), int(min(width, cx + half))
        top, bottom = int(max(0, cy - half * 1.2)), int(min(height, cy + half * 1.1))
        if right - left > 16 and bottom - top > 16:
            rgb = np.ascontiguousarray(rgb[top:bottom, left:right], dtype=np.uint8)
    scale = min(1.0, PHOTO_LONG_SIDE / max(rgb.shape[:2]))
    if scale < 1.0:
        size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return encode_jpeg(rgb, quality=88)


def photo(images: ImageStore, row: SkinAnalysisResult | None) -> ProgressPhoto | None:
    if row is None:
        return None
    jpeg: bytes | None = None
    if row.image_sha256:
        try:
            jpeg = _face(images.read(row.image_sha256), row.result or {})
        except SkinLabError:
            jpeg = None  # not fetched to this device, or damaged: the card says so
    return ProgressPhoto(when=row.created_at.astimezone(), score=float(row.skin_score), jpeg=jpeg)


def labels() -> dict[str, str]:
    return {key: vocab.measure(key).clinical_label for key in METRIC_NAMES}


def in_period(
    rows: Sequence[SkinAnalysisResult], since: datetime, until: datetime
) -> list[SkinAnalysisResult]:
    return sorted((r for r in rows if since <= r.created_at <= until), key=lambda r: r.created_at)
