"""The Import page's port (``ui.desktop.importing.ports.ImportPort``) over core.

Who may import: a clinician or an administrator (``list_patients`` to choose the patient,
``run_analysis`` and ``write_results`` to save). A patient or kiosk account cannot open the desktop
at all, and the permission is checked again before each save (:mod:`app.desktop.importing.saving`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, or_, select

from app.context import AppContext
from app.desktop.access import actor
from app.desktop.importing.files import scan
from app.desktop.importing.job import ImportJob
from app.desktop.importing.saving import ImportSaver
from core.auth import Permission, require
from core.errors import NotFoundError, ValidationError
from core.storage.models import User
from ui.desktop.importing.ports import (
    ImportCandidate,
    ImportRequest,
    Listener,
    PatientChoice,
)
from ui.desktop.ports import SessionInfo


def like_pattern(text: str) -> str:
    """``text`` as a literal LIKE pattern (``%``, ``_`` and the escape itself matched as typed)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def choice(user: User) -> PatientChoice:
    return PatientChoice(patient_id=str(user.user_id), name=user.full_name, email=user.email)


class ImportServices:
    """A part of ``DesktopServices`` (which sets ``ctx``)."""

    ctx: AppContext
    import_workers: int | None = None
    """Worker processes per import; None: every core (tests and benchmarks set it)."""

    def find_import_patients(
        self, session: SessionInfo, text: str, limit: int = 20
    ) -> list[PatientChoice]:
        """Patients whose name or email contains ``text`` (wildcards and quotes as typed)."""
        actor(self.ctx, session, Permission.LIST_PATIENTS)
        pattern = like_pattern(text.strip())
        name = func.lower(User.first_name + " " + User.last_name)
        query = (
            select(User)
            .where(User.role == "patient")
            .where(
                or_(
                    name.like(pattern, escape="\\"),
                    func.lower(User.email).like(pattern, escape="\\"),
                )
            )
            .order_by(User.last_name, User.first_name, User.email)
            .limit(max(1, min(limit, 200)))
        )
        with self.ctx.database.read() as db:
            return [choice(u) for u in db.scalars(query)]

    def scan_import(self, session: SessionInfo, paths: Sequence[Path]) -> list[ImportCandidate]:
        actor(self.ctx, session, Permission.RUN_ANALYSIS)
        return [
            ImportCandidate(path=f.path, taken=f.taken, source=f.source, problem=f.problem)
            for f in scan(Path(p) for p in paths)
        ]

    def start_import(
        self, session: SessionInfo, request: ImportRequest, listener: Listener
    ) -> ImportJob:
        user = actor(self.ctx, session, Permission.RUN_ANALYSIS)
        try:
            patient_id = uuid.UUID(request.patient.patient_id)
        except ValueError as exc:
            raise ValidationError("Choose the patient the photos belong to.") from exc
        require(user, Permission.WRITE_RESULTS, owner_id=patient_id)
        if not request.items:
            raise ValidationError("Add at least one photo to import.")
        with self.ctx.database.read() as db:
            patient = db.get(User, patient_id)
            if patient is None or patient.role != "patient":
                raise NotFoundError("That patient is no longer on this device.")
            name = patient.full_name
        saver = ImportSaver(
            self.ctx, actor_id=user.user_id, patient_id=patient_id, patient_name=name
        )
        job = ImportJob(
            saver=saver, items=request.items, listener=listener, workers=self.import_workers
        )
        return job.start()
