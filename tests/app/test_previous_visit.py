"""The previous visit as the kiosk and the PDF report read it, over a real data directory: a
patient whose earlier photo had the chin cut off by the frame. Measures that read the chin (and
the score) are left out of the change since then, with why, and the report reads them again like
for like when both photos are on the device; a measure on the same skin is kept; another
patient's visit is never taken as this patient's previous one."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from pypdf import PdfReader

from app.context import AppContext
from app.previous_visit import previous_visit
from app.reports import build_report_data
from core.analysis import AnalysisResult
from core.analysis.regions import CUT_REASON
from core.storage.models import SkinAnalysisResult, User
from core.vocabulary import SKIN_SCORE
from tests.helpers.visits import FIRST_VISIT, add_visits, chin_measures
from ui.reports.pdf import render_report

LATER = FIRST_VISIT + timedelta(days=30)


def _user(ctx: AppContext, email: str) -> uuid.UUID:
    with ctx.database.read() as session:
        return session.query(User).filter(User.email == email).one().user_id  # type: ignore[no-any-return]


def _two_visits(
    ctx: AppContext,
    email: str,
    earlier: AnalysisResult,
    later: AnalysisResult,
    photos: tuple[np.ndarray, np.ndarray],
) -> list[str]:
    first = add_visits(ctx, email=email, base=earlier, photo=photos[0], levels=[{}])
    second = add_visits(ctx, email=email, base=later, photo=photos[1], levels=[{}], first=LATER)
    return first + second


def _pdf_text(data: Any, path: Path) -> str:
    reader = PdfReader(io.BytesIO(render_report(data, path).read_bytes()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_measures_read_on_different_skin_have_no_change_and_say_why(
    ctx: AppContext,
    emails: dict[str, str],
    portrait: np.ndarray,
    portrait_result: AnalysisResult,
    chin_cut_portrait: np.ndarray,
    chin_cut_result: AnalysisResult,
    tmp_path: Path,
    qapp: Any,
) -> None:
    """The kiosk's view of the previous visit leaves those measures out; the visit report reads
    them again like for like from both photos, and says "not compared" only when it cannot."""
    photos = (chin_cut_portrait, portrait)
    ids = _two_visits(ctx, emails["patient"], chin_cut_result, portrait_result, photos)
    today = portrait_result.to_json()
    chin = chin_measures(portrait_result) & set(chin_cut_result.metrics)
    assert len(chin) >= 5
    with ctx.database.read() as session:
        earlier = previous_visit(session, _user(ctx, emails["patient"]), today, before=LATER)
    assert earlier is not None and earlier.taken_at.date() == FIRST_VISIT.date()
    assert chin.isdisjoint(earlier.levels) and SKIN_SCORE not in earlier.levels
    assert earlier.levels["dark_circles"] == chin_cut_result.metrics["dark_circles"]
    why = f"chin measured only at the later visit ({CUT_REASON})"
    assert {k: earlier.not_compared[k] for k in chin} == dict.fromkeys(chin, why)

    data = build_report_data(ctx, uuid.UUID(ids[1]))  # both photos are here: like for like
    assert data.previous == earlier.levels and data.read_again == "without the chin"
    assert chin | {SKIN_SCORE} <= set(data.like_for_like) and not chin & set(data.not_compared)
    for key in chin:  # the same face on the same skin: within its (wider) spread
        was, now = data.like_for_like[key]
        assert abs(now - was) <= data.spreads[key]
        assert data.spreads[key] >= portrait_result.measures[key]["mdc"]
    text = _pdf_text(data, tmp_path / "r.pdf")
    assert "* Like for like: both photos read again without the chin, which only one" in text
    # the score's change, read like for like, judged against its wider spread: the same face
    assert data.spreads[SKIN_SCORE] >= portrait_result.skin_score_mdc
    assert re.search(r"= [+\u2212\u00b1]\d+ since your last visit \*", text)
    assert "Not compared" not in text

    with ctx.database.read() as session:
        digests = {row.image_sha256 for row in session.query(SkinAnalysisResult)}
    for digest in digests:
        ctx.images.delete(digest)
    data = build_report_data(ctx, uuid.UUID(ids[1]))  # no photo on this device: not compared
    assert data.not_compared == earlier.not_compared and data.like_for_like == {}
    text = _pdf_text(data, tmp_path / "s.pdf")
    assert f"Not compared: {why}." in text
    assert "change since your last visit" in text  # dark circles still compare
    # the score's change ("+7 since your last visit") is not drawn: it is not comparable
    assert re.search(r"[\u25b2\u25bc=] \S+ since your last visit", text) is None
    assert re.search(r"[+\u2212\u00b1]\d+ since your last visit", text) is None


def test_the_same_skin_keeps_every_change_and_another_patient_is_never_read(
    ctx: AppContext,
    emails: dict[str, str],
    portrait: np.ndarray,
    portrait_result: AnalysisResult,
    chin_cut_result: AnalysisResult,
) -> None:
    add_visits(ctx, email=emails["patient"], base=portrait_result, photo=portrait, levels=[{}])
    # a second patient, photographed later with the chin cut: never this patient's history
    other = emails["clinician"]
    add_visits(ctx, email=other, base=chin_cut_result, photo=portrait, levels=[{}], first=LATER)
    today = portrait_result.to_json()
    later = LATER + timedelta(days=1)
    with ctx.database.read() as session:
        mine = previous_visit(session, _user(ctx, emails["patient"]), today, before=later)
        theirs_first = previous_visit(session, _user(ctx, other), today, before=LATER)
    assert mine is not None and mine.not_compared == {}
    assert mine.taken_at.date() == FIRST_VISIT.date()
    assert mine.levels == {**portrait_result.metrics, SKIN_SCORE: portrait_result.skin_score}
    # each change's spread is the photos' own (84 px between the eyes: a small face's)
    assert mine.spreads == {
        **{k: portrait_result.measures[k]["mdc"] for k in portrait_result.metrics},
        SKIN_SCORE: portrait_result.skin_score_mdc,  # the score's own, as each measure's
    }
    assert theirs_first is None  # nothing before their first visit, whoever else came earlier
