"""The kiosk reads a patient's change since the last visit like for like, through the real
services over a real data directory: the last visit's photo had the chin cut off by the frame,
today's shows the whole face. What the two analyses measured on different skin is read again from
both photos without the chin, and shows as a change marked * on the screen's data and in the
take-away PDF; without the earlier photo on the kiosk it stays "not compared". Only the signed-in
patient's own visit is ever read, never another patient's, and never for a guest."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from pypdf import PdfReader

from app.context import AppContext
from app.kiosk.reports import build_report_pdf
from app.kiosk.services import KioskAppServices
from core.analysis import AnalysisResult
from core.storage.models import SkinAnalysisResult, User
from core.vocabulary import SKIN_SCORE
from tests.helpers.visits import FIRST_VISIT, add_visits, chin_measures
from ui.kiosk.ports import AnalysisView, CancelledError, ConsentChoice, Patient

COMPARING = "Comparing on the skin both photos show"
NO_STORAGE = ConsentChoice(granted=True, allow_storage=False)


def _patient(ctx: AppContext, email: str) -> Patient:
    with ctx.database.read() as session:
        user = session.query(User).filter(User.email == email).one()
        return Patient(str(user.user_id), email, f"{user.first_name} {user.last_name}")


def _analyse(
    ctx: AppContext, photo: np.ndarray, patient: Patient | None, **kwargs: Any
) -> tuple[AnalysisView, list[str]]:
    heard: list[str] = []
    progress = kwargs.pop("progress", heard.append)
    view = KioskAppServices(ctx).analyse(
        photo,
        patient=patient,
        consent=NO_STORAGE,
        progress=progress,
        cancel=kwargs.pop("cancel", threading.Event()),
    )
    return view, heard


@pytest.fixture
def returning(
    ctx: AppContext,
    emails: dict[str, str],
    chin_cut_portrait: np.ndarray,
    chin_cut_result: AnalysisResult,
) -> Patient:
    """The patient, whose one stored visit was photographed with the chin cut off."""
    email = emails["patient"]
    add_visits(ctx, email=email, base=chin_cut_result, photo=chin_cut_portrait, levels=[{}])
    return _patient(ctx, email)


def test_a_last_visit_on_different_skin_is_read_again_like_for_like(
    ctx: AppContext,
    returning: Patient,
    portrait: np.ndarray,
    portrait_result: AnalysisResult,
    chin_cut_result: AnalysisResult,
    qapp: Any,
) -> None:
    chin = chin_measures(portrait_result) & set(chin_cut_result.metrics)
    assert len(chin) >= 5
    view, heard = _analyse(ctx, portrait, returning)

    assert COMPARING in heard
    assert view.read_again == "without the chin"
    assert chin | {SKIN_SCORE} <= set(view.like_for_like)
    assert not (chin | {SKIN_SCORE}) & set(view.not_compared)
    assert chin.isdisjoint(view.previous or {})  # the stored levels still do not compare
    for key in chin:  # the same face on the same skin: within its (wider) spread
        was, now = view.like_for_like[key]
        assert abs(now - was) <= view.spreads[key]
    rows = {m.key: m for m in view.result.measures}
    for key in chin:
        row = rows[key]
        assert row.read_again and row.change is not None and row.mdc == view.spreads[key]
        assert row.change.delta == pytest.approx(
            round(view.like_for_like[key][1] - view.like_for_like[key][0], 1)
        )
    assert not rows["dark_circles"].read_again and rows["dark_circles"].change is not None
    assert view.result.score.read_again and view.result.score.change is not None

    pdf = build_report_pdf(view, patient_name="Ana Patient", clinic_name="Rue Cler", logo_path=None)
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "* Like for like: both photos read again without the chin, which only one" in text
    assert "Not compared" not in text


def test_without_the_earlier_photo_the_change_stays_not_compared(
    ctx: AppContext, returning: Patient, portrait: np.ndarray
) -> None:
    with ctx.database.read() as session:
        digests = {row.image_sha256 for row in session.query(SkinAnalysisResult)}
    for digest in digests:
        ctx.images.delete(digest)
    view, heard = _analyse(ctx, portrait, returning)
    assert COMPARING in heard  # it tried, and could not
    assert view.like_for_like == {} and view.read_again == ""
    assert SKIN_SCORE in view.not_compared and "redness" in view.not_compared
    assert not any(m.read_again for m in view.result.measures)
    assert view.result.score.change is None


def test_only_the_signed_in_patients_own_visit_is_read(
    ctx: AppContext,
    emails: dict[str, str],
    portrait: np.ndarray,
    chin_cut_portrait: np.ndarray,
    chin_cut_result: AnalysisResult,
) -> None:
    """Another patient's chin-cut visit is never read for this patient, nor for a guest."""
    other = emails["clinician"]
    add_visits(ctx, email=other, base=chin_cut_result, photo=chin_cut_portrait, levels=[{}])
    for patient in (_patient(ctx, emails["patient"]), None):
        view, heard = _analyse(ctx, portrait, patient)
        assert COMPARING not in heard
        assert view.previous is None and view.like_for_like == {} and view.not_compared == {}


def test_cancel_while_reading_again_stores_nothing(
    ctx: AppContext, returning: Patient, portrait: np.ndarray
) -> None:
    cancel = threading.Event()

    def progress(step: str) -> None:
        if step == COMPARING:
            cancel.set()

    before = _count(ctx)
    consent = ConsentChoice(granted=True, allow_storage=True)
    with pytest.raises(CancelledError, match="cancelled"):
        KioskAppServices(ctx).analyse(
            portrait,
            patient=returning,
            consent=consent,
            progress=progress,
            cancel=cancel,
        )
    assert _count(ctx) == before


def _count(ctx: AppContext) -> int:
    with ctx.database.read() as session:
        return session.query(SkinAnalysisResult).count()


def test_the_visit_read_is_the_patients_latest(
    ctx: AppContext,
    returning: Patient,
    portrait: np.ndarray,
    portrait_result: AnalysisResult,
) -> None:
    """A chin-cut visit followed by a whole-face one: today compares with the whole-face visit on
    the same skin, and nothing is read again."""
    later = FIRST_VISIT + timedelta(days=30)
    add_visits(
        ctx, email=returning.email, base=portrait_result, photo=portrait, levels=[{}], first=later
    )
    view, heard = _analyse(ctx, portrait, returning)
    assert COMPARING not in heard and view.like_for_like == {} and view.not_compared == {}
    assert view.previous is not None and SKIN_SCORE in view.previous
