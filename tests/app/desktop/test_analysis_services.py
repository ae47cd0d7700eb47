"""Who may open an analysis and its heat maps, and compare two visits like for like; a guest's
analysis, a missing photo, two analyses of different patients."""

from __future__ import annotations

import uuid
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
from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.storage.models import AuditEvent, SkinAnalysisResult
from core.vocabulary import UnknownTermError
from tests.helpers.desktop import PASSWORD, add_accounts, add_patients, save_measured
from ui.desktop.ports import SessionInfo


@pytest.fixture(scope="module")
def shot() -> Measured:
    """The astronaut as the kiosk measures and saves it."""
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


def test_a_clinician_opens_an_analysis_and_its_heat_map(services, shot) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = save_measured(services.ctx, zoe, shot, days_ago=1)
    grace = services.login("grace@clinic.org", PASSWORD)
    detail = services.analysis_detail(grace, analysis)
    assert detail.patient_name == "Zoé Martin" and detail.photo == shot.jpeg
    layer = services.overlay_layer(grace, analysis, "redness")
    assert (layer.width, layer.height) == (512, 512) and len(layer.rgba) == 512 * 512 * 4
    assert layer.note == ""  # drawn by the same engine that measured it
    with pytest.raises(UnknownTermError):
        services.overlay_layer(grace, analysis, "beauty")
    with services.ctx.database.read() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "analysis_viewed" in actions


def test_patient_and_kiosk_accounts_cannot_open_analyses(services, shot) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = save_measured(services.ctx, zoe, shot, days_ago=1)
    for email in ("pat@example.org", "kiosk1@clinic.org"):
        intruder = _forged(services, email)
        with pytest.raises(PermissionDeniedError):
            services.analysis_detail(intruder, analysis)
        with pytest.raises(PermissionDeniedError):
            services.overlay_layer(intruder, analysis, "redness")


def test_a_guests_analysis_is_not_reachable(services, shot) -> None:
    guest = save_measured(services.ctx, None, shot, days_ago=1)
    grace = services.login("grace@clinic.org", PASSWORD)
    for bad in (guest, "not-an-id", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFoundError):
            services.analysis_detail(grace, bad)


def test_a_missing_photo_is_said_not_crashed_on(services, shot) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    analysis = save_measured(services.ctx, zoe, shot, days_ago=1)
    with services.ctx.database.read() as session:
        digest = session.scalar(select(SkinAnalysisResult.image_sha256))
    services.ctx.images.delete(digest)
    grace = services.login("grace@clinic.org", PASSWORD)
    detail = services.analysis_detail(grace, analysis)
    assert detail.photo is None and "not on this device" in detail.photo_problem
    assert detail.measures  # the numbers are still there
    with pytest.raises(NotFoundError):
        services.overlay_layer(grace, analysis, "redness")


@pytest.fixture(scope="module")
def whole_and_cut(portrait, chin_cut_portrait) -> tuple[Measured, Measured]:
    """One face photographed whole, then with the chin cut off by the bottom of the frame."""
    return measure(portrait), measure(chin_cut_portrait)


def test_two_visits_on_different_skin_are_read_again_like_for_like(services, whole_and_cut) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    before = save_measured(services.ctx, zoe, whole_and_cut[0], days_ago=30)
    after = save_measured(services.ctx, zoe, whole_and_cut[1], days_ago=1)
    grace = services.login("grace@clinic.org", PASSWORD)
    found = services.like_for_like(grace, before, after)
    assert len(found.changes) >= 5 and found.note == ""  # most measures read the chin
    assert found.where == "without the chin" and found.score is not None
    assert abs(found.score[1] - found.score[0]) < 3  # one face, on the same skin
    for key, change in found.changes.items():
        assert change.verdict == "within_noise" and change.reason == "without the chin", key
    with services.ctx.database.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "analyses_compared")
        ).one()
    assert str(event.target_id) == after and event.details["before"] == before
    same = services.like_for_like(grace, before, before)
    assert same.changes == {}  # the same skin: nothing to read again


def test_like_for_like_is_refused_to_others_and_across_patients(services, whole_and_cut) -> None:
    zoe, max_ = add_patients(
        services.ctx, [("Zoé", "Martin", "zoe@example.org"), ("Max", "Roy", "max@example.org")]
    )
    before = save_measured(services.ctx, zoe, whole_and_cut[0], days_ago=30)
    after = save_measured(services.ctx, zoe, whole_and_cut[1], days_ago=1)
    elsewhere = save_measured(services.ctx, max_, whole_and_cut[1], days_ago=1)
    for email in ("pat@example.org", "kiosk1@clinic.org"):
        with pytest.raises(PermissionDeniedError):
            services.like_for_like(_forged(services, email), before, after)
    grace = services.login("grace@clinic.org", PASSWORD)
    with pytest.raises(ValidationError, match="different patients"):
        services.like_for_like(grace, before, elsewhere)
    with pytest.raises(NotFoundError):
        services.like_for_like(grace, before, "not-an-id")
    with services.ctx.database.read() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "analyses_compared" not in actions


def test_like_for_like_without_a_photo_says_so(services, whole_and_cut) -> None:
    (zoe,) = add_patients(services.ctx, [("Zoé", "Martin", "zoe@example.org")])
    before = save_measured(services.ctx, zoe, whole_and_cut[0], days_ago=30)
    after = save_measured(services.ctx, zoe, whole_and_cut[1], days_ago=1)
    with services.ctx.database.read() as session:
        row = session.get(SkinAnalysisResult, uuid.UUID(before))
        assert row is not None and row.image_sha256 is not None
        digest = row.image_sha256
    services.ctx.images.delete(digest)
    grace = services.login("grace@clinic.org", PASSWORD)
    with pytest.raises(NotFoundError, match="cannot be compared like for like"):
        services.like_for_like(grace, before, after)
