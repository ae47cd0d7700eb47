"""The previous visit as the kiosk and the PDF report read it, over a real data directory: a
patient whose earlier photo had the chin cut off by the frame. Measures that read the chin (and
the score) are left out of the change since then, with why; a measure on the same skin is kept;
another patient's visit is never taken as this patient's previous one."""

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
from core.storage.models import User
from core.vocabulary import SKIN_SCORE
from tests.helpers.visits import FIRST_VISIT, add_visits
from ui.reports.pdf import render_report

LATER = FIRST_VISIT + timedelta(days=30)


def _user(ctx: AppContext, email: str) -> uuid.UUID:
    with ctx.database.read() as session:
        return session.query(User).filter(User.email == email).one().user_id  # type: ignore[no-any-return]


def _chin_measures(result: AnalysisResult) -> set[str]:
    return {k for k, m in result.measures.items() if "chin" in m.get("regions", {})}


def _two_visits(
    ctx: AppContext, email: str, earlier: AnalysisResult, later: AnalysisResult, photo: np.ndarray
) -> list[str]:
    first = add_visits(ctx, email=email, base=earlier, photo=photo, levels=[{}])
    second = add_visits(ctx, email=email, base=later, photo=photo, levels=[{}], first=LATER)
    return first + second


def test_measures_read_on_different_skin_have_no_change_and_say_why(
    ctx: AppContext,
    emails: dict[str, str],
    portrait: np.ndarray,
    portrait_result: AnalysisResult,
    chin_cut_result: AnalysisResult,
    tmp_path: Path,
    qapp: Any,
) -> None:
    ids = _two_visits(ctx, emails["patient"], chin_cut_result, portrait_result, portrait)
    today = portrait_result.to_json()
    chin = _chin_measures(portrait_result) & set(chin_cut_result.metrics)
    assert len(chin) >= 5
    with ctx.database.read() as session:
        earlier = previous_visit(session, _user(ctx, emails["patient"]), today, before=LATER)
    assert earlier is not None and earlier.taken_at.date() == FIRST_VISIT.date()
    assert chin.isdisjoint(earlier.levels) and SKIN_SCORE not in earlier.levels
    assert earlier.levels["dark_circles"] == chin_cut_result.metrics["dark_circles"]
    why = f"chin measured only at the later visit ({CUT_REASON})"
    assert {k: earlier.not_compared[k] for k in chin} == dict.fromkeys(chin, why)

    data = build_report_data(ctx, uuid.UUID(ids[1]))
    assert data.previous == earlier.levels and data.not_compared == earlier.not_compared
    reader = PdfReader(io.BytesIO(render_report(data, tmp_path / "r.pdf").read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert f"Not compared: {why}." in text
    assert "change since your last visit" in text  # dark circles still compare
    # the score's change ("▲ +7 since your last visit") is not drawn: it is not comparable
    assert re.search(r"[\u25b2\u25bc=] \S+ since your last visit", text) is None


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
    assert mine.spreads == {k: portrait_result.measures[k]["mdc"] for k in portrait_result.metrics}
    assert theirs_first is None  # nothing before their first visit, whoever else came earlier
