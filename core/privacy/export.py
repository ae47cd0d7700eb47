"""Everything this device holds about one patient, for a data-subject request: ``patient.json``
(account without its password hash, analyses, consents, notes, audit events about them) and the
photos and thumbnails as files. Written into a new owner-only folder; the export is audited."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select

from core.audit.actions import PATIENT_EXPORTED
from core.errors import NotFoundError, ValidationError
from core.privacy.actor import EXPORT, Actor, require
from core.privacy.erasure import find_patient
from core.security.permissions import make_private_dir, write_private
from core.storage.database import Database
from core.storage.images import ImageStore
from core.storage.models import ClinicianNote, ConsentRecord, SkinAnalysisResult
from core.storage.repositories import audit

HIDDEN = frozenset({"hashed_password", "hlc", "field_clocks", "failed_login_count", "locked_until"})
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def _row(obj: Any) -> dict[str, Any]:
    return {
        attr.key: getattr(obj, attr.key)
        for attr in inspect(type(obj)).column_attrs
        if attr.key not in HIDDEN
    }


def export_patient(
    db: Database,
    images: ImageStore,
    *,
    actor: Actor,
    out_dir: Path,
    email: str | None = None,
    user_id: uuid.UUID | str | None = None,
) -> Path:
    """Write the export into ``out_dir`` (which must not exist yet or be empty); return it."""
    target = Path(out_dir)
    if target.exists() and any(target.iterdir()):
        raise ValidationError(f"{target} is not empty: choose a new folder for the export")
    with db.write() as session:
        user = find_patient(session, email=email, user_id=user_id)
        require(actor, EXPORT, patient_id=user.user_id)
        analyses = session.scalars(
            select(SkinAnalysisResult).where(SkinAnalysisResult.user_id == user.user_id)
        ).all()
        document = {
            "account": _row(user),
            "analyses": [_row(a) for a in analyses],
            "consents": [
                _row(c)
                for c in session.scalars(
                    select(ConsentRecord).where(ConsentRecord.user_id == user.user_id)
                )
            ],
            "notes": [
                _row(n)
                for n in session.scalars(
                    select(ClinicianNote).where(ClinicianNote.patient_id == user.user_id)
                )
            ],
            "audit": [_row(e) for e in audit.for_target(session, user.user_id)],
        }
        digests = {d for a in analyses for d in (a.image_sha256, a.thumbnail_sha256) if d}
        audit.record(
            session,
            PATIENT_EXPORTED,
            actor_id=actor.user_id,
            target_type="user",
            target_id=user.user_id,
            details={"by_role": actor.role, "analyses": len(analyses)},
        )
    make_private_dir(target / "photos")
    files: dict[str, str] = {}
    for digest in sorted(digests):
        try:
            data = images.read(digest)
        except NotFoundError:
            continue  # a photo never fetched to this device
        name = digest + (".png" if data.startswith(b"\x89PNG") else ".jpg")
        write_private(target / "photos" / name, data)
        files[digest] = f"photos/{name}"
    document["photo_files"] = files
    text = json.dumps(document, indent=2, default=str, ensure_ascii=False)
    write_private(target / "patient.json", text.encode("utf-8"))
    return target
