"""The server's settings refuse limits that would switch a brake off."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ValidationError
from server.config import ServerSettings


@pytest.mark.parametrize(
    "limit", ["enroll_per_minute", "grant_per_minute", "grant_account_per_minute"]
)
@pytest.mark.parametrize("value", [0, -1])
def test_a_per_minute_limit_below_one_is_refused(tmp_path: Path, limit: str, value: int) -> None:
    with pytest.raises(ValidationError, match="Rate limits must be positive"):
        ServerSettings(database_url="postgresql://db/skinlab", blob_dir=tmp_path, **{limit: value})


def test_each_account_may_be_asked_for_more_often_than_one_device_by_default(
    tmp_path: Path,
) -> None:
    settings = ServerSettings(database_url="postgresql://db/skinlab", blob_dir=tmp_path)
    assert (
        settings.grant_account_per_minute > settings.grant_per_minute
    )  # no lock-out by one device
