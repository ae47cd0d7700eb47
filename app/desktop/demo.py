"""Demo data for the desktop's screenshots: a clinic's staff, some forty patients with visits, and
one patient followed for two years, in a throw-away data directory.

The photos are the bundled demo face (scikit-image's astronaut) analysed for real by the engine;
the long follow-up reuses those analyses with levels drifting along a trend, as demo data.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from app.context import AppContext
from app.framing import without_chin
from app.kiosk.worker import Measured, measure
from core.capture.sources import demo_face
from core.storage.models import User
from core.storage.repositories import audit, consents, notes, patients, users
from core.storage.results import save_analysis

PASSWORD = "demo-password-1"
STAFF = (
    ("ada@clinic.org", "Ada", "Lovelace", "admin"),
    ("grace@clinic.org", "Grace", "Hopper", "clinician"),
    ("mary@clinic.org", "Mary", "Somerville", "clinician"),
)
FIRST = (
    "Amélie",
    "Bruno",
    "Camille",
    "Daniel",
    "Elena",
    "Farid",
    "Giulia",
    "Hugo",
    "Inès",
    "Jonas",
)
LAST = ("Bernard", "Dubois", "Moreau", "Laurent", "Okafor", "Nguyen", "Rossi", "Silva", "Kim")
FOLLOWED = ("Zoé", "Martin", "zoe.martin@example.org")
NOTES = (
    "Rosacea-prone cheeks. Started azelaic acid 15 % in the evening; SPF 50 every morning.",
    "Redness clearly lower on both cheeks. Keep the routine; review in three months.",
)


def face_photo() -> NDArray[np.uint8]:
    """The demo face at twice its size, cropped to the head: large enough for the engine to measure
    every measure but pores (at 512 px it declines most)."""
    rgb = demo_face()
    big = cv2.resize(rgb, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(big[:, 140:880], dtype=np.uint8)


@dataclass(frozen=True)
class Demo:
    followed: uuid.UUID
    followed_visits: list[str]
    """Analysis ids, oldest first."""


def _flushed(face: NDArray[np.uint8], box: list[float]) -> NDArray[np.uint8]:
    """The face with both cheeks reddened (soft ellipses, more red and less green light), as a
    first visit with rosacea would look; the engine then measures it for real."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    mask = np.zeros(face.shape[:2], np.float32)
    for x in (0.28, 0.72):
        centre = (round(left + x * width), round(top + 0.66 * height))
        axes = (round(0.16 * width), round(0.13 * height))
        cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, -1)
    soft = np.asarray(cv2.GaussianBlur(mask, (0, 0), 0.06 * width), np.float32)[:, :, None]
    shift = np.asarray([28.0, -14.0, -8.0], np.float32)
    red = np.clip(face.astype(np.float32) + soft * shift, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(red)


def _photos() -> tuple[Measured, Measured]:
    """Two real analyses of the demo face: a first visit with flushed cheeks, taken with the chin
    cut off by the bottom of the frame (so the compare screen reads the two like for like), and a
    later one, calmer and closer to the camera."""
    face = face_photo()
    calm = measure(face)
    box = list(calm.result["face"]["box"])  # type: ignore[index]
    first = without_chin(_flushed(face, box), box)
    bigger = cv2.resize(face, None, fx=1.25, fy=1.25, interpolation=cv2.INTER_CUBIC)
    later: NDArray[np.uint8] = np.ascontiguousarray(np.asarray(bigger, np.uint8))
    return measure(first), measure(later)


def _save(
    ctx: AppContext,
    user_id: uuid.UUID,
    measured: Measured,
    when: datetime,
    levels: dict[str, float],
) -> str:
    stored: dict[str, Any] = dict(measured.result)
    metrics = {**stored["metrics"], **levels}
    measures = {k: dict(v) for k, v in stored["measures"].items()}
    for key, level in levels.items():
        measures[key]["level"] = level
    moved = metrics["redness"] - stored["metrics"]["redness"]
    score = float(np.clip(stored["skin_score"] - 0.12 * moved, 0, 100))
    result = {
        **stored,
        "analysis_id": str(uuid.uuid4()),
        "created_at": when.isoformat(),
        "metrics": metrics,
        "measures": measures,
        "skin_score": score,
    }
    with ctx.database.write() as session:
        row = save_analysis(
            session,
            ctx.images,
            result=result,
            user_id=user_id,
            image=measured.jpeg,
            thumbnail=measured.thumbnail,
        )
        return str(row.analysis_id)


FOLLOWED_VISITS = 24  # monthly, the last two days ago
FIRST_VISIT_DAYS = (FOLLOWED_VISITS - 1) * 30 + 2  # days since the followed patient's first visit


def build(ctx: AppContext, *, now: datetime | None = None) -> Demo:
    """Fill an empty data directory with the demo clinic; returns the followed patient."""
    moment = now or datetime.now(UTC)
    rng = random.Random(2026)
    for email, first, last, role in STAFF:
        ctx.auth.register(
            email=email, first_name=first, last_name=last, role=role, password=PASSWORD
        )
    first_visit, later_visit = _photos()
    with ctx.database.write() as session:
        followed = _patient(session, *FOLLOWED, birth_year=1988, fitzpatrick=2, rng=rng)
        followed.sensitive_skin = followed.fragrance_free = True
        # Registered, and consenting, at the kiosk the day of her first visit.
        followed.created_at = moment - timedelta(days=FIRST_VISIT_DAYS)
        consent = consents.record(
            session,
            user_id=followed.user_id,
            text_version="kiosk-2026.1",
            granted=True,
            allow_storage=True,
            allow_sync=True,
        )
        consent.recorded_at = followed.created_at
        others = [
            _patient(
                session,
                first,
                last,
                f"{first.lower()}.{last.lower()}{i}@example.org".replace("é", "e").replace(
                    "è", "e"
                ),
                birth_year=rng.randint(1950, 2004),
                fitzpatrick=rng.randint(1, 6),
                rng=rng,
            )
            for i, (first, last) in enumerate(
                (rng.choice(FIRST), rng.choice(LAST)) for _ in range(40)
            )
        ]
        for i, other in enumerate(others):  # registered before any visit (800 days ago at most)
            other.created_at = moment - timedelta(days=801 + 13 * i)
        other_ids = [p.user_id for p in others]
        followed_id = followed.user_id
    visits = []
    count = FOLLOWED_VISITS
    start = float(first_visit.result["metrics"]["redness"])  # type: ignore[index]
    end = float(later_visit.result["metrics"]["redness"])  # type: ignore[index]
    for i in range(count):
        # The first and last visits keep what the engine measured; between them, demo levels
        # drift from one to the other.
        drift = i / (count - 1)
        levels = {}
        if 0 < i < count - 1:
            levels = {
                "redness": round(start + (end - start) * drift + rng.gauss(0, 2.5), 1),
                "oiliness": round(30 + rng.gauss(0, 3), 1),
            }
        photo = later_visit if i == count - 1 else first_visit
        when = moment - timedelta(days=(count - 1 - i) * 30 + 2)
        visits.append(_save(ctx, followed_id, photo, when, levels))
    for user_id in other_ids[:30]:
        for _ in range(rng.randint(1, 4)):
            when = moment - timedelta(days=rng.randint(3, 800))
            _save(ctx, user_id, first_visit, when, {"redness": round(rng.uniform(10, 70), 1)})
    grace = _staff_id(ctx, "grace@clinic.org")
    with ctx.database.write() as session:
        for body in NOTES:
            note = notes.add(session, patient_id=followed_id, author_id=grace, body=body)
            audit.record(session, "note_added", actor_id=grace, target_id=followed_id)
            note.created_at = moment - timedelta(days=FIRST_VISIT_DAYS if body is NOTES[0] else 3)
    return Demo(followed=followed_id, followed_visits=visits)


def _patient(
    session: Session,
    first: str,
    last: str,
    email: str,
    *,
    birth_year: int,
    fitzpatrick: int,
    rng: random.Random,
) -> User:
    return patients.create(
        session,
        {
            "first_name": first,
            "last_name": last,
            "email": email,
            "birth_year": birth_year,
            "fitzpatrick_type": fitzpatrick,
            "pregnancy": rng.random() < 0.05,
        },
        this_year=datetime.now(UTC).year,
    )


def _staff_id(ctx: AppContext, email: str) -> uuid.UUID:
    with ctx.database.read() as session:
        return users.require_by_email(session, email).user_id
