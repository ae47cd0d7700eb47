"""The audit log for administrators (``read_audit``): filter by person, patient, action and date;
export to CSV; the hash chain's verification (``core.storage.repositories.audit.verify_database``).

An event about an analysis (``analysis_viewed``, ``analysis_saved``) is shown as about the patient
the analysis belongs to (named in its details, else found through the stored analysis); once
that patient has been erased, as about an ``ERASED_PATIENT``.

A patient's trail holds the events about them and about their stored analyses. Looking it up is
itself reading patient data: a query filtered by patient records a ``patient_viewed`` event
(``{"view": "audit log"}``) on each patient it matched. The CSV export records
``audit_exported`` (the filters, without the patient text a person typed).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Select, func, or_, select

from app.context import AppContext
from app.desktop.access import actor
from app.desktop.exports.atomic import write_file
from app.desktop.importing.service import like_pattern
from core.audit.actions import AUDIT_EXPORTED, PATIENT_VIEWED
from core.auth import Permission
from core.storage.models import AuditEvent, SkinAnalysisResult, User
from core.storage.repositories import audit
from core.storage.repositories.audit import verify_database
from ui.desktop.admin.ports import STAFF_ROLES, AuditPage, AuditQuery, AuditRow, ChainStatus, Person
from ui.desktop.ports import SessionInfo

MAX_PATIENTS: Final = 50
ERASED_PATIENT: Final = "(erased patient)"
ERASED_ACCOUNT: Final = "(erased account)"
PATIENT_KEYS: Final = ("patient_id", "patient")
EXPORT_LIMIT: Final = 1_000_000
CSV_COLUMNS: Final = (
    "occurred_at_utc",
    "actor_id",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target",
    "details",
    "device_id",
    "chain_seq",
    "row_hash",
)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class AuditServices:
    """A part of ``DesktopServices`` (which sets ``ctx``)."""

    ctx: AppContext

    def audit_people(self, session: SessionInfo) -> list[Person]:
        actor(self.ctx, session, Permission.READ_AUDIT)
        query = select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.last_name)
        with self.ctx.database.read() as db:
            return [Person(str(u.user_id), f"{u.full_name} ({u.email})") for u in db.scalars(query)]

    def audit_actions(self, session: SessionInfo) -> list[str]:
        actor(self.ctx, session, Permission.READ_AUDIT)
        with self.ctx.database.read() as db:
            return sorted(db.scalars(select(AuditEvent.action).distinct()))

    def _patients(self, db: Any, text: str) -> list[str]:
        pattern = like_pattern(text.strip())
        name = func.lower(User.first_name + " " + User.last_name)
        query = (
            select(User.user_id)
            .where(User.role == "patient")
            .where(
                or_(
                    name.like(pattern, escape="\\"),
                    func.lower(User.email).like(pattern, escape="\\"),
                )
            )
            .limit(MAX_PATIENTS)
        )
        return [str(i) for i in db.scalars(query)]

    def _analyses(self, db: Any, patient_ids: Sequence[str]) -> list[str]:
        """The stored analyses of these patients: events about them are part of their trails."""
        if not patient_ids:
            return []
        owners = [uuid.UUID(i) for i in patient_ids]
        query = select(SkinAnalysisResult.analysis_id).where(SkinAnalysisResult.user_id.in_(owners))
        return [str(i) for i in db.scalars(query)]

    def _select(self, query: AuditQuery, target_ids: Sequence[str] | None) -> Select[AuditEvent]:
        stmt = select(AuditEvent).order_by(AuditEvent.occurred_at.desc())
        if query.person_id:
            stmt = stmt.where(AuditEvent.actor_id == query.person_id)
        if target_ids is not None:
            stmt = stmt.where(AuditEvent.target_id.in_(target_ids))
        if query.action:
            stmt = stmt.where(AuditEvent.action == query.action)
        if query.since is not None:
            stmt = stmt.where(AuditEvent.occurred_at >= _utc(query.since))
        if query.until is not None:
            stmt = stmt.where(AuditEvent.occurred_at <= _utc(query.until))
        return stmt

    def _owners(self, db: Any, events: Iterable[AuditEvent]) -> dict[str, str]:
        """Analysis id -> the id of the patient it belongs to, for each analysis event: from the
        event's details, else from the stored analysis (absent once erased)."""
        owners: dict[str, str] = {}
        unknown: set[uuid.UUID] = set()
        for event in events:
            if event.target_type != "analysis" or not event.target_id:
                continue
            details = event.details or {}
            named = next((details[k] for k in PATIENT_KEYS if details.get(k)), None)
            if named:
                owners[event.target_id] = str(named)
                continue
            try:
                unknown.add(uuid.UUID(event.target_id))
            except ValueError:
                continue
        if unknown:
            rows = db.execute(
                select(SkinAnalysisResult.analysis_id, SkinAnalysisResult.user_id).where(
                    SkinAnalysisResult.analysis_id.in_(unknown)
                )
            )
            owners.update({str(r[0]): str(r[1]) for r in rows if r[1] is not None})
        return owners

    def _names(
        self, db: Any, events: Iterable[AuditEvent], owners: dict[str, str]
    ) -> dict[str, str]:
        ids: set[uuid.UUID] = set()
        for value in [v for e in events for v in (e.actor_id, e.target_id)] + [*owners.values()]:
            try:
                ids.add(uuid.UUID(str(value)))
            except ValueError:
                continue
        if not ids:
            return {}
        rows = db.execute(
            select(User.user_id, User.first_name, User.last_name, User.email).where(
                User.user_id.in_(ids)
            )
        )
        return {str(r[0]): f"{r[1]} {r[2]} ({r[3]})" for r in rows}

    @staticmethod
    def _about(event: AuditEvent, names: dict[str, str], owners: dict[str, str]) -> str:
        """Whom an event is about, for a person: a name, never a bare id of someone erased."""
        target = event.target_id or ""
        if event.target_type == "analysis":
            return names.get(owners.get(target, ""), ERASED_PATIENT)
        if event.target_type == "user" and target:
            return names.get(target, ERASED_ACCOUNT)
        return names.get(target, target)

    def _read(
        self, session: SessionInfo, query: AuditQuery, limit: int
    ) -> tuple[list[AuditEvent], dict[str, str], dict[str, str], bool]:
        admin = actor(self.ctx, session, Permission.READ_AUDIT)
        with self.ctx.database.write() as db:
            patient_ids = self._patients(db, query.patient) if query.patient.strip() else None
            targets = None if patient_ids is None else patient_ids + self._analyses(db, patient_ids)
            events = list(db.scalars(self._select(query, targets).limit(limit + 1)))
            owners = self._owners(db, events)
            names = self._names(db, events, owners)
            for patient_id in patient_ids or ():
                audit.record(
                    db,
                    PATIENT_VIEWED,
                    actor_id=admin.user_id,
                    target_type="user",
                    target_id=patient_id,
                    details={"view": "audit log"},
                )
            for event in events:
                db.expunge(event)
        return events[:limit], names, owners, len(events) > limit

    def find_audit(self, session: SessionInfo, query: AuditQuery) -> AuditPage:
        events, names, owners, more = self._read(session, query, max(1, min(query.limit, 10_000)))
        rows = tuple(
            AuditRow(
                when=e.occurred_at,
                who=names.get(e.actor_id or "", e.actor_id or "(the device)"),
                action=e.action,
                about=self._about(e, names, owners),
                details=json.dumps(e.details, sort_keys=True, ensure_ascii=False)
                if e.details
                else "",
                device=e.device_id or "",
            )
            for e in events
        )
        return AuditPage(rows=rows, more=more)

    def export_audit(self, session: SessionInfo, query: AuditQuery, target: Path) -> Path:
        """Every matching event (not only the page shown) as CSV, written whole or not at all."""
        events, names, owners, _ = self._read(session, query, EXPORT_LIMIT)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for e in events:
            writer.writerow(
                [
                    _utc(e.occurred_at).isoformat(),
                    e.actor_id or "",
                    names.get(e.actor_id or "", ""),
                    e.action,
                    e.target_type or "",
                    e.target_id or "",
                    self._about(e, names, owners) if e.target_id else "",
                    json.dumps(e.details, sort_keys=True, ensure_ascii=False),
                    e.device_id or "",
                    "" if e.chain_seq is None else e.chain_seq,
                    e.row_hash or "",
                ]
            )
        written = write_file(target, out.getvalue().encode("utf-8"))
        admin = actor(self.ctx, session, Permission.READ_AUDIT)
        with self.ctx.database.write() as db:
            audit.record(
                db,
                AUDIT_EXPORTED,
                actor_id=admin.user_id,
                details={
                    "rows": len(events),
                    "person_id": query.person_id,
                    "by_patient": bool(query.patient.strip()),
                    "action": query.action,
                },
            )
        return written

    def verify_audit(self, session: SessionInfo) -> ChainStatus:
        actor(self.ctx, session, Permission.READ_AUDIT)
        report = verify_database(self.ctx.database)
        total = sum(report.events.values())
        devices = len(report.events)
        older = f", {report.unchained} from before the chain" if report.unchained else ""
        counted = f"{total} events from {devices} device{'s' if devices != 1 else ''}{older}"
        if report.ok:
            return ChainStatus(True, f"The audit log is intact: {counted}.")
        problems = tuple(p.message for p in report.problems[:20])
        return ChainStatus(
            False,
            f"The audit log has been changed: {len(report.problems)} problem"
            f"{'s' if len(report.problems) != 1 else ''} in {counted}.",
            problems,
        )
