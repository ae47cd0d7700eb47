"""The proof of an online sign-in lives no longer than the desktop's sign-in: a proof left by a
crash is forgotten at start, the window's end forgets it whatever its sign-out task managed, and a
late answer for someone who signed out is dropped without touching the next person's proof."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.desktop.gui import DeferredServices
from app.desktop.services import DesktopServices
from core.sync import grants
from tests.helpers.server import ADMIN_PASSWORD, ServerHandle, make_admin
from tests.helpers.sync.world import DeviceDir, enroll_code, open_device

pytestmark = pytest.mark.postgres
BOSS, DEPUTY = "boss@clinic.org", "deputy@clinic.org"


@pytest.fixture
def desk(server: ServerHandle, tmp_path: Path) -> Iterator[DeviceDir]:
    clinic = f"Clinic {uuid.uuid4().hex[:8]}"
    device = open_device(tmp_path, "desk")
    device.enroll(server.url, enroll_code(server.database_url, clinic, role="workstation"))
    for email in (BOSS, DEPUTY):
        make_admin(server.database_url, clinic, email=email)
    device.sync()
    yield device
    device.close()


def test_a_proof_left_behind_by_a_crash_is_forgotten_at_start(desk):
    desk.ctx.sync.prove_sign_in(BOSS, ADMIN_PASSWORD)
    assert grants.current(desk.db) is not None
    DesktopServices(desk.ctx).startup()
    assert grants.current(desk.db) is None


def test_a_late_proof_for_someone_signed_out_leaves_the_next_persons_alone(desk):
    services = DesktopServices(desk.ctx)
    boss = services.login(BOSS, ADMIN_PASSWORD)
    services.sign_out(boss)
    deputy = services.login(DEPUTY, ADMIN_PASSWORD)
    assert services.prove_online(deputy, ADMIN_PASSWORD).startswith("Signed in online")
    assert services.prove_online(boss, ADMIN_PASSWORD) == ""  # the boss's answer, come late
    proof = grants.current(desk.db)
    assert proof is not None and proof.user_id == deputy.user_id


def test_the_end_of_the_window_forgets_the_proof(desk):
    opened = DeferredServices(desk.data_dir)
    opened.painted.set()
    opened.startup()
    session = opened.login(BOSS, ADMIN_PASSWORD)
    opened.prove_online(session, ADMIN_PASSWORD)
    assert grants.current(desk.db) is not None
    opened.close()  # no sign-out ran (a window killed mid-task, a pool that did not drain)
    assert grants.current(desk.db) is None
