"""Build a report's data from a saved analysis: the stored result, photo, patient, clinic,
heat-map overlays drawn again from the photo, and the patient's previous visit."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Final

import cv2
import numpy as np

from app.context import AppContext
from app.previous_visit import previous_visit
from app.read_again import SinceThen, read_if_possible, since_then
from core.analysis import AnalysisResult, analyze, overlay_mask
from core.analysis.overlay import COLOURS, strongest_tint, tint
from core.errors import NotFoundError, SkinLabError
from core.imaging import encode_png
from core.storage.repositories import analyses
from core.vocabulary import ESTIMATES
from ui.reports.model import ReportData

log = logging.getLogger(__name__)

OVERALL: Final = "overall"
"""The key of the combined overlay in ``ReportData.overlays`` (the report's main picture)."""


def build_overlays(result: AnalysisResult) -> dict[str, bytes]:
    """One PNG per measure on the aligned face, plus ``overall``: each pixel tinted with the
    colour of its strongest measured finding (the estimates are left out of it)."""
    assert result.visuals is not None
    visuals = result.visuals
    skin = visuals.skin.astype(np.float32)
    base = visuals.canvas_rgb
    masks = {m: overlay_mask(result, m) * skin for m in visuals.heatmaps}
    out = {m: encode_png(tint(base, mask, COLOURS[m])) for m, mask in masks.items()}
    measured = {m: mask for m, mask in masks.items() if m not in ESTIMATES}
    if measured:
        out[OVERALL] = encode_png(strongest_tint(base, measured))
    return out


def overlays_for(photo: bytes | None) -> dict[str, bytes]:
    """Heat maps need the masks, which are not stored: analyse the photo again. Optional: a photo
    the engine cannot use any more gives a report without overlays rather than no report."""
    if not photo:
        return {}
    try:
        return build_overlays(analyze(photo, need_visuals=True))
    except (SkinLabError, ValueError, cv2.error) as exc:
        log.warning("Report without overlays: %s", exc)
        return {}


def _photo(ctx: AppContext, sha256: str | None) -> bytes | None:
    if not sha256:
        return None
    try:
        return ctx.images.read(sha256)
    except SkinLabError as exc:
        log.warning("Report without its photo: %s", exc)
        return None


def _logo(ctx: AppContext) -> Path | None:
    value = getattr(ctx.settings, "clinic_logo", None)
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_file() else None


def build_report_data(ctx: AppContext, analysis_id: uuid.UUID) -> ReportData:
    """Everything the PDF shows for one saved analysis. Raises NotFoundError for an unknown id."""
    with ctx.database.read() as session:
        row = analyses.get(session, analysis_id)
        if row is None:
            raise NotFoundError(f"There is no analysis {analysis_id} on this device")
        result = dict(row.result or {})
        patient = f"{row.user.first_name} {row.user.last_name}".strip() if row.user else None
        earlier = (
            previous_visit(session, row.user_id, result, before=row.created_at)
            if row.user_id is not None
            else None
        )
        prior = (
            analyses.get(session, earlier.analysis_id)
            if earlier is not None and earlier.not_compared and earlier.analysis_id
            else None
        )
        sha256, created = row.image_sha256, row.created_at
        # read while the rows are attached (a reading takes two analyses, about 0.2 s)
        reading = (
            read_if_possible(ctx.images, prior, row, keys=earlier.not_compared)
            if earlier and prior
            else None
        )
    since = since_then(earlier.not_compared, earlier.spreads, reading) if earlier else SinceThen()
    photo = _photo(ctx, sha256)
    return ReportData(
        result=result,
        photo_jpeg=photo,
        overlays=overlays_for(photo),
        clinic_name=ctx.settings.clinic_name,
        logo_path=_logo(ctx),
        patient_name=patient or None,
        analysed_at=created,
        previous=earlier.levels if earlier else None,
        not_compared=since.not_compared,
        spreads=since.spreads,
        like_for_like=since.pairs,
        read_again=since.where,
    )
