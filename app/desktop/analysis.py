"""One analysis for the desktop (``ui.desktop.ports.AnalysisPort``): the stored result in words, the
photo at full resolution, and the engine's heat maps drawn again from that photo.

Who may: ``read_results`` on the analysis's patient (clinicians and administrators). An analysis
that belongs to no patient (a guest's, on a kiosk) is not reachable here. Each opening leaves an
audit event, and so does each like-for-like comparison of two of a patient's photos.

The heat maps are not stored (only the numbers are), so the engine analyses the stored photo again
with its masks; the last few are kept in memory for the compare screen's two photos. The engine is
imported on first use, not at start-up: the sign-in window must not wait for OpenCV and dlib.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from app.context import AppContext
from app.desktop.access import actor
from app.desktop.readings import quality_notes, readings, summary
from app.read_again import read_like_for_like
from core import vocabulary
from core.audit.actions import ANALYSES_COMPARED
from core.auth import Permission
from core.errors import NotFoundError, StorageError, ValidationError
from core.memory import release_free_memory
from core.storage.models import SkinAnalysisResult, User
from core.storage.repositories import audit
from ui.desktop.ports import AnalysisDetail, LikeForLike, OverlayLayer, SessionInfo

if TYPE_CHECKING:
    from core.analysis import AnalysisResult

KEEP_ANALYSED = 4
OVERLAY_LONG_SIDE = 2048
"""Heat maps are smooth: a layer this size, stretched over a 12 MP photo, loses nothing visible."""


def analysis_uuid(analysis_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(analysis_id)
    except ValueError:
        raise NotFoundError("This analysis no longer exists.") from None


class AnalysisServices:
    ctx: AppContext
    _analysed: OrderedDict[str, Any]
    _analysed_lock: threading.Lock

    def _stored(self, session: SessionInfo, analysis_id: str) -> tuple[SkinAnalysisResult, User]:
        """The row and its patient, once the session may read that patient's results."""
        with self.ctx.database.read() as db:
            row = db.get(SkinAnalysisResult, analysis_uuid(analysis_id))
            patient = db.get(User, row.user_id) if row is not None and row.user_id else None
        if row is None or patient is None:
            raise NotFoundError("This analysis no longer exists, or belongs to no patient.")
        actor(self.ctx, session, Permission.READ_RESULTS, owner_id=patient.user_id)
        return row, patient

    def _photo(self, row: SkinAnalysisResult) -> tuple[bytes | None, str]:
        if row.image_sha256 is None:
            return None, "No photo was kept with this analysis."
        try:
            return self.ctx.images.read(row.image_sha256), ""
        except (NotFoundError, StorageError, OSError) as exc:
            return None, f"The photo cannot be shown: {getattr(exc, 'message', exc)}"

    def analysis_detail(self, session: SessionInfo, analysis_id: str) -> AnalysisDetail:
        row, patient = self._stored(session, analysis_id)
        photo, problem = self._photo(row)
        result = dict(row.result or {})
        with self.ctx.database.write() as db:
            audit.record(
                db,
                "analysis_viewed",
                actor_id=uuid.UUID(session.user_id),
                target_type="analysis",
                target_id=row.analysis_id,
                details={"patient_id": str(patient.user_id)},
            )
        return AnalysisDetail(
            analysis_id=str(row.analysis_id),
            patient_id=str(patient.user_id),
            patient_name=patient.full_name,
            taken_at=row.created_at,
            skin_score=float(row.skin_score),
            score_band=vocabulary.score_band(row.skin_score).label,
            engine_version=row.engine_version,
            measures=readings(result, row.metrics or {}),
            quality=quality_notes(result),
            summary=summary(result),
            photo=photo,
            photo_problem=problem,
            result=result,
        )

    def overlay_layer(self, session: SessionInfo, analysis_id: str, measure: str) -> OverlayLayer:
        vocabulary.measure(measure)  # an unknown name is refused with a message
        row, _patient = self._stored(session, analysis_id)
        photo, problem = self._photo(row)
        if photo is None:
            raise NotFoundError(problem)
        analysed = self._analysed_again(analysis_id, photo)
        return _layer(analysed, row, measure)

    def like_for_like(self, session: SessionInfo, before_id: str, after_id: str) -> LikeForLike:
        # Imported here, like the engine (see _analysed_again).
        from core.analysis import METRIC_NAMES
        from core.analysis.comparison import differences

        before, patient = self._stored(session, before_id)
        after, other = self._stored(session, after_id)
        if patient.user_id != other.user_id:
            raise ValidationError("These two analyses belong to different patients.")
        apart = differences(METRIC_NAMES, before.result or {}, after.result or {})
        if not apart:
            return LikeForLike({})
        try:
            reading = read_like_for_like(self.ctx.images, before, after, keys=apart)
        except NotFoundError as exc:
            raise NotFoundError(f"{exc.message} It cannot be compared like for like.") from exc
        with self.ctx.database.write() as db:
            audit.record(
                db,
                ANALYSES_COMPARED,
                actor_id=uuid.UUID(session.user_id),
                target_type="analysis",
                target_id=after.analysis_id,
                details={"patient_id": str(patient.user_id), "before": str(before.analysis_id)},
            )
        versions = {before.engine_version, after.engine_version} - {reading.engine_version}
        note = f"Read again by engine {reading.engine_version}." if versions else ""
        return LikeForLike(reading.changes, reading.score, reading.where, note)

    def analysis_closed(self) -> None:
        """The engine's arrays for the heat maps are freed as each is drawn, but malloc keeps the
        pages (``core.memory``); the last few analyses stay kept for the compare screen."""
        release_free_memory()

    def _analysed_again(self, analysis_id: str, photo: bytes) -> AnalysisResult:
        with self._analysed_lock:
            if analysis_id in self._analysed:
                self._analysed.move_to_end(analysis_id)
                return self._analysed[analysis_id]  # type: ignore[no-any-return]
        # Imported here so that start-up and sign-in never load OpenCV, dlib and the models.
        from core.analysis import analyze

        analysed = analyze(photo, need_visuals=True)
        with self._analysed_lock:
            self._analysed[analysis_id] = analysed
            while len(self._analysed) > KEEP_ANALYSED:
                self._analysed.popitem(last=False)
        return analysed


def _layer(analysed: AnalysisResult, row: SkinAnalysisResult, measure: str) -> OverlayLayer:
    # Imported with the engine (see _analysed_again): OpenCV for the resize, the one renderer.
    import cv2
    import numpy as np

    from core.analysis.overlay import COLOURS, overlay_mask, rgba_layer

    if analysed.visuals is None or measure not in analysed.visuals.heatmaps:
        raise ValidationError(f"The engine drew no heat map for {measure} on this photo.")
    mask = overlay_mask(analysed, measure, space="image")
    height, width = mask.shape[:2]
    scale = min(1.0, OVERLAY_LONG_SIDE / max(width, height))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        mask = np.asarray(cv2.resize(mask, size, interpolation=cv2.INTER_AREA), np.float32)
    layer = rgba_layer(mask, COLOURS[measure])
    note = ""
    if analysed.engine_version != row.engine_version:
        note = (
            f"Heat map drawn by engine {analysed.engine_version}; "
            f"the values were measured by engine {row.engine_version}."
        )
    return OverlayLayer(
        analysis_id=str(row.analysis_id),
        measure=measure,
        width=layer.shape[1],
        height=layer.shape[0],
        rgba=layer.tobytes(),
        note=note,
    )
