"""Guest captures are forgotten after the retention time; patients' results are kept."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from core.retention import purge_guest_captures
from core.storage import ImageStore, sha256_hex
from core.storage.models import ImageBlob, SkinAnalysisResult, Tombstone
from core.storage.repositories import users
from core.storage.results import save_analysis
from core.storage.types import utcnow


def _save(db, store, *, user_id, photo: bytes, days_ago: int, thumb: bytes | None = None):
    created = (utcnow() - timedelta(days=days_ago)).isoformat()
    result = {
        "analysis_id": str(uuid.uuid4()),
        "created_at": created,
        "skin_score": 70.0,
        "metrics": {"hydration": 50.0},
        "engine_version": "t",
    }
    with db.write() as session:
        save_analysis(
            session,
            store,
            result=result,
            user_id=user_id,
            image=photo,
            thumbnail=thumb or photo + b"-thumb",
        )


def test_old_guest_captures_go_with_their_photos(sqlite_db, tmp_path):
    store = ImageStore(tmp_path / "images")
    with sqlite_db.write() as session:
        patient_id = users.create(
            session, email="pat@clinic.org", first_name="P", last_name="D"
        ).user_id
    _save(sqlite_db, store, user_id=None, photo=b"old guest", days_ago=10)
    _save(sqlite_db, store, user_id=None, photo=b"new guest", days_ago=1)
    _save(sqlite_db, store, user_id=patient_id, photo=b"patient", days_ago=30)
    # The same photo in a patient's result: it must stay; the guest's own thumbnail must go.
    _save(
        sqlite_db,
        store,
        user_id=patient_id,
        photo=b"old guest",
        days_ago=30,
        thumb=b"patient thumb",
    )

    assert purge_guest_captures(sqlite_db, store, older_than_days=7) == 1
    with sqlite_db.read() as session:
        assert session.scalar(select(func.count()).select_from(SkinAnalysisResult)) == 3
        kept = set(session.scalars(select(ImageBlob.sha256)))
        # The deletions travel to other devices: the analysis and its orphaned thumbnail.
        assert sorted(session.scalars(select(Tombstone.entity))) == [
            "images",
            "skin_analysis_results",
        ]
    assert all(store.exists(d) for d in kept)
    assert not store.exists(sha256_hex(b"old guest-thumb"))  # used only by the purged capture
    assert store.exists(sha256_hex(b"old guest"))  # a patient's result still shows this photo

    assert purge_guest_captures(sqlite_db, store, older_than_days=0) == 1  # retention 0: all guests
    with sqlite_db.read() as session:
        assert session.scalar(select(func.count()).select_from(SkinAnalysisResult)) == 2
