"""Devices the server's access tests share."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.helpers.server import Device


@pytest.fixture
def admin(enroll: Callable[..., Device], clinic: str) -> Device:
    """An admin device where an administrator has signed in online."""
    device = enroll(clinic, name="admin desk", role="admin")
    device.act_as_admin()
    return device
