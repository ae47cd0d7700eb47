"""The clinic's retention period: a typed error for zero or less, applied daily and audited."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from core.config import load_settings
from core.errors import ValidationError
from core.retention import (
    RetentionSettingError,
    apply_retention,
    apply_retention_if_due,
    check_retention_days,
)
from core.storage import Database, ImageStore
from core.storage.repositories import analyses, audit, users
from core.storage.results import save_analysis
from core.storage.types import utcnow


@pytest.mark.parametrize("days", [0, -1, -365])
def test_zero_or_negative_is_a_typed_error(days: int, tmp_path: Path) -> None:
    with pytest.raises(RetentionSettingError) as caught:
        check_retention_days(days)
    assert caught.value.code == "invalid_retention"
    (tmp_path / "settings.toml").write_text(f"retention_days = {days}\n")
    with pytest.raises(ValidationError, match="retention_days"):
        load_settings(data_dir=tmp_path)


def test_old_analyses_go_new_ones_stay_once_a_day(db: Database, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    now = utcnow()
    with db.write() as session:
        user = users.create(
            session, email="p@example.org", first_name="P", last_name="Q", role="patient"
        )
        for age, photo in ((400, b"old"), (10, b"new")):
            row = save_analysis(
                session,
                store,
                result={"analysis_id": str(uuid.uuid4()), "metrics": {}, "skin_score": 50},
                user_id=user.user_id,
                image=photo,
            )
            row.created_at = now - timedelta(days=age)
    with pytest.raises(RetentionSettingError):
        apply_retention(db, store, days=0)
    report = apply_retention_if_due(db, store, days=365, now=now)
    assert report is not None and (report.analyses, report.images) == (1, 1)
    assert apply_retention_if_due(db, store, days=365, now=now + timedelta(hours=2)) is None
    with db.read() as session:
        assert len(analyses.latest_for_user(session, user.user_id)) == 1
        event = audit.recent(session, action="retention_applied")[0]
        assert event.details["analyses"] == 1 and event.details["days"] == 365
    assert len(store.digests()) == 1
