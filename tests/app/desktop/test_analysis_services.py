"""Who may open an analysis and its heat maps; a guest's analysis and a missing photo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from sqlalchemy import select

from app.context import AppContext
from app.desktop.services import DesktopServices
from app.kiosk.worker import Measured, measure
from core.config import load_settings
from core.errors import NotFoundError, PermissionDeniedError
from core.storage.models import AuditEvent, SkinAnalysisResult
from core.vocabulary import UnknownTermError
from tests.helpers.desktop import PASSWORD, add_accounts, add_patients, save_measured
from ui.desktop.ports import SessionInfo


@pytest.fixture(scope="module")
def astronaut() -> Measured:
    return measure(np.ascontiguousarray(skimage.data.astronaut()))


@pytest.fixture
def services(tmp_path: Path) -> Iterator[DesktopServices]:
    ctx = AppContext(load_settings(data_dir=tmp_path / "data"))
    services = DesktopServices(ctx)
    services.startup()
    add_accounts(ctx)
    yield services
    ctx.close()


def _forged(services: DesktopServices, email: str) -> SessionInfo:
    signed = services.ctx.auth.login(email, PASSWORD)
    return SessionInfo(
        signed.email, "clinician", signed.full_name, str(signed.user_id), signed.token
    )


def test_a_clinician_opens_an_analysis_and_its_heat_map(services, astronaut) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = save_measured(services.ctx, zoe, astronaut, days_ago=1)
    grace = services.login("grace@clinic.org", PASSWORD)
    detail = services.analysis_detail(grace, analysis)
    assert detail.patient_name == "Zoé Martin" and detail.photo == astronaut.jpeg
    layer = services.overlay_layer(grace, analysis, "redness")
    assert (layer.width, layer.height) == (512, 512) and len(layer.rgba) == 512 * 512 * 4
    assert layer.note == ""  # drawn by the same engine that measured it
    with pytest.raises(UnknownTermError):
        services.overlay_layer(grace, analysis, "beauty")
    with services.ctx.database.read() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "analysis_viewed" in actions


def test_patient_and_kiosk_accounts_cannot_open_analyses(services, astronaut) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = save_measured(services.ctx, zoe, astronaut, days_ago=1)
    for email in ("pat@example.org", "kiosk1@clinic.org"):
        intruder = _forged(services, email)
        with pytest.raises(PermissionDeniedError):
            services.analysis_detail(intruder, analysis)
        with pytest.raises(PermissionDeniedError):
            services.overlay_layer(intruder, analysis, "redness")


def test_a_guests_analysis_is_not_reachable(services, astronaut) -> None:
    guest = save_measured(services.ctx, None, astronaut, days_ago=1)
    grace = services.login("grace@clinic.org", PASSWORD)
    for bad in (guest, "not-an-id", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFoundError):
            services.analysis_detail(grace, bad)


def test_a_missing_photo_is_said_not_crashed_on(services, astronaut) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = save_measured(services.ctx, zoe, astronaut, days_ago=1)
    with services.ctx.database.read() as session:
        digest = session.scalar(select(SkinAnalysisResult.image_sha256))
    services.ctx.images.delete(digest)
    grace = services.login("grace@clinic.org", PASSWORD)
    detail = services.analysis_detail(grace, analysis)
    assert detail.photo is None and "not on this device" in detail.photo_problem
    assert detail.measures  # the numbers are still there
    with pytest.raises(NotFoundError):
        services.overlay_layer(grace, analysis, "redness")
