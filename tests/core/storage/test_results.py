"""An analysis result is saved with its photo and thumbnail, on both databases."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from core.errors import ValidationError
from core.storage import ImageStore
from core.storage.models import ImageBlob, SkinAnalysisResult
from core.storage.repositories import users
from core.storage.results import save_analysis


def _result(**extra):
    base = {
        "analysis_id": str(uuid.uuid4()),
        "created_at": "2026-11-25T10:00:00+00:00",
        "engine_version": "1.0.0",
        "skin_score": 81.5,
        "metrics": {
            "hydration": 60.0,
            "oiliness": 30.0,
            "elasticity": 70.0,
            "pores": 20.0,
            "redness": 12.0,
        },
        "skin_type": "normal",
        "conditions": [
            {"name": "redness", "severity": "mild", "confidence": 0.7, "regions": ["left_cheek"]}
        ],
        "recommendations": ["Use sunscreen"],
        "routine": {"morning": ["Cleanse"], "evening": ["Moisturise"]},
        "regions": {"forehead": {"redness": 10.0}},
        "confidence": 0.9,
        "analysis_duration_seconds": 0.4,
    }
    base.update(extra)
    return base


def test_result_photo_and_thumbnail_are_saved_together(db, tmp_path):
    store = ImageStore(tmp_path / "images")
    result = _result()
    with db.write() as session:
        patient = users.create(session, email="pat@clinic.org", first_name="Pat", last_name="Doe")
        save_analysis(
            session,
            store,
            result=result,
            user_id=patient.user_id,
            image=b"photo-bytes",
            thumbnail=b"thumb-bytes",
            image_size=(640, 480),
        )
    with db.read() as session:
        row = session.get(SkinAnalysisResult, uuid.UUID(result["analysis_id"]))
        assert row is not None and row.skin_score == 81.5 and row.hydration_level == 60.0
        assert row.pore_size == 20.0 and row.skin_type_detected == "normal"
        assert row.region_metrics == {"forehead": {"redness": 10.0}}
        assert row.created_at.isoformat() == "2026-11-25T10:00:00+00:00"
        assert store.read(row.image_sha256) == b"photo-bytes"
        assert store.read(row.thumbnail_sha256) == b"thumb-bytes"
        assert {b.sha256 for b in session.scalars(select(ImageBlob))} == {
            row.image_sha256,
            row.thumbnail_sha256,
        }


@pytest.mark.parametrize(
    "bad", [{"error": {"code": "no_face"}}, {"skin_score": "high"}, {"metrics": None}]
)
def test_incomplete_results_are_refused_and_nothing_is_written(db, tmp_path, bad):
    store = ImageStore(tmp_path / "images")
    with pytest.raises(ValidationError), db.write() as session:
        save_analysis(session, store, result=_result(**bad), user_id=None, image=None)
    with db.read() as session:
        assert session.scalar(select(SkinAnalysisResult)) is None
