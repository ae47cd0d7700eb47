"""Service fixtures for the desktop's widget tests (tests/ui/desktop), its service tests
(tests/app/desktop) and the kiosk's window tests (tests/ui/kiosk) alike: the real services'
context over a temp data directory, and one account per role. A plugin of the root conftest; a
test folder's own ``ctx`` takes precedence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.context import AppContext
from core.config import load_settings
from tests.helpers.desktop import add_accounts


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = AppContext(
        load_settings(data_dir=tmp_path / "data", clinic_name="Rue Cler Dermatology")
    )
    context.database  # noqa: B018  (migrate before the window starts)
    yield context
    context.close()


@pytest.fixture
def emails(ctx: AppContext) -> dict[str, str]:
    return add_accounts(ctx)
