"""Audit rows pushed by devices are checked link by link against what the server holds.

Each device hash-chains its audit events (:mod:`core.audit.chain`). An event is accepted only if
its hash matches its content, it follows the event before it in that device's chain (when the
server holds that one) and precedes the event after it (likewise), and no other event already
holds its place. An event claiming the server's own chain is refused: only the server writes it.
Events from before chains existed (no device or sequence) pass unjudged, as on the devices.
``skinlab server audit-verify`` checks a clinic's whole log with the same code.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.chain import GENESIS, ChainReport, compute_hash, verify_rows
from core.sync.protocol import Change
from server.models import Record
from server.rules import AUDIT_ALTERED, AUDIT_BROKEN, AUDIT_FORKED, Refusal, refusal


def _at(session: Session, clinic_id: Any, device: str, seq: int) -> Record | None:
    return session.scalar(
        select(Record).where(
            Record.clinic_id == clinic_id,
            Record.entity == "audit_events",
            Record.fields["device_id"].astext == device,
            Record.fields["chain_seq"].astext == str(seq),
        )
    )


def check_event(
    session: Session, clinic_id: Any, change: Change, fields: dict[str, Any], *, server_node: str
) -> Refusal | None:
    """Why this new audit event cannot join its device's chain, or None."""
    device, seq = fields.get("device_id"), fields.get("chain_seq")
    if not device or seq is None:
        return None  # from before the chain: reported by verification, not judged here
    what = f"audit event {change.entity_id} (device {device}, #{seq})"
    if device == server_node:
        return refusal(AUDIT_FORKED, what)
    try:
        intact = compute_hash({**fields, "event_id": change.entity_id}) == fields.get("row_hash")
    except (ValueError, TypeError):
        intact = False
    if not intact:
        return refusal(AUDIT_ALTERED, what)
    if _at(session, clinic_id, str(device), int(seq)) is not None:
        return refusal(AUDIT_FORKED, what)
    before = _at(session, clinic_id, str(device), int(seq) - 1) if int(seq) > 1 else None
    expected = GENESIS if int(seq) == 1 else (before.fields.get("row_hash") if before else None)
    if expected is not None and fields.get("prev_hash") != expected:
        return refusal(AUDIT_BROKEN, what)
    after = _at(session, clinic_id, str(device), int(seq) + 1)
    if after is not None and after.fields.get("prev_hash") != fields.get("row_hash"):
        return refusal(AUDIT_BROKEN, what)
    return None


def verify_clinic(session: Session, clinic_id: Any) -> ChainReport:
    """Every chain in the clinic's audit log (gaps, edits, forks), as ``skinlab audit verify``."""
    rows = session.scalars(
        select(Record).where(
            Record.clinic_id == clinic_id,
            Record.entity == "audit_events",
            Record.deleted.is_(False),
        )
    )
    return verify_rows({**r.fields, "event_id": r.entity_id} for r in rows)
