"""The patient list and the patient editor (``ui.desktop.ports.PatientsPort``) over core.

Who may: listing and searching need ``list_patients``; opening a patient's form needs
``read_results`` on that patient; creating and editing need ``register_patient``. Clinicians and
administrators hold all three; patient and kiosk accounts never reach these calls (refused at
sign-in, and again here). Every create and edit leaves an audit event naming the fields, not the
values.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from app.context import AppContext
from app.desktop.access import actor
from core.auth import Permission
from core.errors import NotFoundError
from core.storage.hlc import Timestamp
from core.storage.repositories import audit, patients
from core.storage.repositories.patients_terms import (
    EditConflictError,
    PageCursor,
    PatientQuery,
)
from ui.desktop.ports import PatientForm, PatientPage, PatientRow, SavedPatient, SessionInfo


def patient_uuid(patient_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(patient_id)
    except ValueError:
        raise NotFoundError("This patient no longer exists.") from None


def _wall_time(clock: str) -> datetime | None:
    """When a field was changed, from the wall-clock part of its hybrid logical clock."""
    try:
        return datetime.fromtimestamp(Timestamp.decode(clock).wall_ms / 1000, UTC)
    except ValueError:
        return None


def _row(row: patients.PatientListRow) -> PatientRow:
    return PatientRow(
        user_id=str(row.user_id),
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        birth_year=row.birth_year,
        fitzpatrick_type=row.fitzpatrick_type,
        last_visit=row.last_visit_at,
        visits=row.visit_count,
    )


class PatientServices:
    ctx: AppContext

    def find_patients(
        self, session: SessionInfo, query: PatientQuery, cursor: PageCursor | None, limit: int
    ) -> PatientPage:
        actor(self.ctx, session, Permission.LIST_PATIENTS)
        with self.ctx.database.read() as db:
            rows, following = patients.search(
                db, query, now=datetime.now(UTC), cursor=cursor, limit=limit
            )
        return PatientPage(rows=tuple(_row(r) for r in rows), next=following)

    def count_patients(self, session: SessionInfo, query: PatientQuery, cap: int) -> int:
        actor(self.ctx, session, Permission.LIST_PATIENTS)
        with self.ctx.database.read() as db:
            return patients.count(db, query, now=datetime.now(UTC), cap=cap)

    def patient_form(self, session: SessionInfo, patient_id: str) -> PatientForm:
        owner = patient_uuid(patient_id)
        actor(self.ctx, session, Permission.READ_RESULTS, owner_id=owner)
        with self.ctx.database.read() as db:
            found = patients.profile(db, owner)
        return PatientForm(patient_id=patient_id, values=found.values, clocks=found.clocks)

    def create_patient(self, session: SessionInfo, values: Mapping[str, Any]) -> SavedPatient:
        who = actor(self.ctx, session, Permission.REGISTER_PATIENT)
        with self.ctx.database.write() as db:
            user = patients.create(db, values, this_year=datetime.now(UTC).year)
            audit.record(
                db,
                "patient_created",
                actor_id=who.user_id,
                target_type="user",
                target_id=user.user_id,
                details={"fields": sorted(values)},
            )
            return SavedPatient(patient_id=str(user.user_id), full_name=user.full_name)

    def update_patient(
        self,
        session: SessionInfo,
        patient_id: str,
        changes: Mapping[str, Any],
        clocks: Mapping[str, str],
    ) -> SavedPatient:
        owner = patient_uuid(patient_id)
        who = actor(self.ctx, session, Permission.REGISTER_PATIENT, owner_id=owner)
        with self.ctx.database.write() as db:
            try:
                user, elsewhere = patients.update(
                    db, owner, changes, seen_clocks=clocks, this_year=datetime.now(UTC).year
                )
            except EditConflictError as exc:
                raise EditConflictError(
                    [replace(c, changed_at=_wall_time(c.clock)) for c in exc.conflicts]
                ) from None
            audit.record(
                db,
                "patient_updated",
                actor_id=who.user_id,
                target_type="user",
                target_id=owner,
                details={"fields": sorted(changes)},
            )
            return SavedPatient(
                patient_id=patient_id, full_name=user.full_name, changed_elsewhere=tuple(elsewhere)
            )
