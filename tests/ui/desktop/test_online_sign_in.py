"""Signing in on an enrolled desktop asks the sync server, in the background, for a proof of the
sign-in (so the administrator's changes made here sync); sign-in itself stays local: offline, only
the status line says that such changes wait. Signing out forgets the proof."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.desktop.services import DesktopServices
from core.sync import grants, state
from tests.helpers.desktop import TIMEOUT, sign_in
from tests.helpers.server import ADMIN_PASSWORD, ServerHandle, make_admin
from tests.helpers.sync.world import DeviceDir, enroll_code, open_device
from ui.background import Pools
from ui.desktop.main_window import MainWindow

pytestmark = pytest.mark.postgres
EMAIL = "boss@clinic.org"


@pytest.fixture
def desk(server: ServerHandle, tmp_path: Path) -> Iterator[DeviceDir]:
    """A workstation of a clinic whose administrator was made on the server and has synced."""
    clinic = f"Clinic {uuid.uuid4().hex[:8]}"
    device = open_device(tmp_path, "desk")
    device.enroll(server.url, enroll_code(server.database_url, clinic, role="workstation"))
    make_admin(server.database_url, clinic, email=EMAIL)
    device.sync()
    yield device
    device.close()


@pytest.fixture
def window(qtbot: Any, desk: DeviceDir) -> Iterator[MainWindow]:
    pools = Pools()
    win = MainWindow(DesktopServices(desk.ctx), pools)
    qtbot.addWidget(win)
    win.resize(1100, 700)
    win.show()
    win.start()
    yield win
    win.close()
    assert pools.wait(20_000)


def test_signing_in_online_brings_a_proof_and_signing_out_forgets_it(qtbot, desk, window):
    sign_in(qtbot, window, EMAIL, ADMIN_PASSWORD)
    assert window.view is not None  # signed in, whatever the server says
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Signed in online"), timeout=TIMEOUT
    )
    proof = grants.current(desk.db)
    assert proof is not None and proof.user_id == window.view.session.user_id
    window.sign_out()
    qtbot.waitUntil(lambda: grants.current(desk.db) is None, timeout=TIMEOUT)


def test_offline_the_sign_in_stays_local_and_the_status_line_says_why(qtbot, desk, window):
    state.write(desk.db, **{state.SERVER_URL: "http://127.0.0.1:9"})  # nothing listens there
    sign_in(qtbot, window, EMAIL, ADMIN_PASSWORD)
    assert window.view is not None
    qtbot.waitUntil(
        lambda: "wait for an online sign-in" in window.statusBar().currentMessage(),
        timeout=TIMEOUT,
    )
    assert grants.current(desk.db) is None
    assert "Cannot reach the sync server" in desk.ctx.sync.status().proof_note
