"""Demo data for the staff screens' screenshots: a few patients, one with a year of monthly visits
(one real analysis of the demo face, scikit-image's astronaut, its levels moved visit by visit), a
clinician, and a card of photos to import with the usual bad files in it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from app.context import AppContext
from app.desktop.demo import STAFF, face_photo
from core.analysis import analyze
from core.imaging import encode_jpeg, thumbnail_jpeg
from core.storage.models import User
from core.storage.repositories import users
from core.storage.results import save_analysis

PATIENTS = (
    ("pat.doe@example.org", "Pat", "Doe"),
    ("amara.okafor@example.org", "Amara", "Okafor"),
    ("lucie.martin@example.org", "Lucie", "Martin"),
    ("kenji.sato@example.org", "Kenji", "Sato"),
)
CLINICIANS = tuple(
    (email, first, last) for email, first, last, role in STAFF if role == "clinician"
)
"""The demo clinic's clinicians (``app.desktop.demo.STAFF``)."""


def add_people(ctx: AppContext, password: str) -> None:
    """The clinicians and patients, skipping anyone the desktop's own demo clinic already has."""
    with ctx.database.read() as session:
        there = {e for e, *_ in (*CLINICIANS, *PATIENTS) if users.get_by_email(session, e)}
    for email, first, last in CLINICIANS:
        if email not in there:
            ctx.auth.register(
                email=email, first_name=first, last_name=last, role="clinician", password=password
            )
    for email, first, last in PATIENTS:
        if email not in there:
            ctx.auth.register(
                email=email, first_name=first, last_name=last, role="patient", password=None
            )


def add_year_of_visits(ctx: AppContext, email: str, *, visits: int = 12) -> None:
    """Monthly visits ending today: redness and acne improve, wrinkles creep up, pores hold."""
    photo = face_photo()
    base: dict[str, Any] = analyze(photo).to_json()
    jpeg, thumb = encode_jpeg(photo), thumbnail_jpeg(photo)
    start = datetime.now(UTC) - timedelta(days=30 * (visits - 1))
    with ctx.database.write() as session:
        patient = session.query(User).filter(User.email == email).one()
        for i in range(visits):
            result = dict(base)
            metrics = dict(base["metrics"])
            metrics.update(
                redness=max(0.0, 64.0 - 2.2 * i),
                acne=max(0.0, 38.0 - 2.0 * i),
                wrinkles=18.0 + 0.6 * i,
                pores=40.0 + (i % 3) * 0.6,
            )
            result.update(
                analysis_id=str(uuid.uuid4()),
                created_at=(start + timedelta(days=30 * i)).isoformat(),
                metrics=metrics,
                skin_score=round(58.0 + 1.4 * i, 1),
            )
            save_analysis(
                session,
                ctx.images,
                result=result,
                user_id=patient.user_id,
                image=jpeg,
                thumbnail=thumb,
                image_size=(photo.shape[1], photo.shape[0]),
            )


def photo_card(folder: Path) -> Path:
    """Four good photos, one with no face, an empty file, a cut-off JPEG and a text file."""
    folder.mkdir(parents=True, exist_ok=True)
    face = face_photo()
    for i in range(4):
        cut = np.ascontiguousarray(face[3 * i :, 2 * i :], dtype=np.uint8)
        (folder / f"IMG_{4102 + i}.jpg").write_bytes(encode_jpeg(cut))
    # the shoulders with the head cut off: a photo with no face, from the bundled demo photo alone
    # (scikit-image's sample photos are not in the built app)
    shoulders = np.ascontiguousarray(face[700:], dtype=np.uint8)
    (folder / "IMG_4107.jpg").write_bytes(encode_jpeg(shoulders))
    (folder / "IMG_4108.jpg").write_bytes(b"")
    whole = encode_jpeg(face)
    (folder / "IMG_4109.jpg").write_bytes(whole[: len(whole) // 3])
    (folder / "notes.txt").write_text("Follow-up photos, left side first.\n")
    return folder
