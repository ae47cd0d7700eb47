"""The server's own audit events: refused changes and proofs of sign-in asked for (given or not).

They are ordinary ``audit_events`` records of the clinic, so they reach its workstations and admin
devices like any other event, hash-chained per clinic under the server's own node id
(:mod:`core.audit.chain`), so that editing or deleting one is detectable like a device's. Written
in the request's own transaction, under the clinic's lock: a replayed push writes nothing twice.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, cast, select
from sqlalchemy.orm import Session

from core.audit.actions import SYNC_CHANGE_REFUSED
from core.audit.chain import GENESIS, compute_hash
from core.sync.protocol import Change
from server.models import Record
from server.rules import Refusal


def server_node(server_id: str) -> str:
    """The server's node id: in its HLC stamps and as the ``device_id`` of its audit chain."""
    return uuid.UUID(server_id).hex


@dataclass
class AuditTrail:
    """Refusals noted while a batch is applied, written as audit events at its end."""

    node: str
    device_id: uuid.UUID
    device_name: str
    device_role: str
    refused: list[tuple[Change, Refusal]] = field(default_factory=list)

    def note(self, change: Change, refused: Refusal) -> None:
        self.refused.append((change, refused))

    def write(self, session: Session, clinic_id: uuid.UUID) -> list[Record]:
        events = [
            ServerEvent(
                action=SYNC_CHANGE_REFUSED,
                actor_id=change.actor,
                target_type=change.entity,
                target_id=change.entity_id,
                details={
                    "code": refused.code,
                    "op": change.op,
                    "fields": sorted(change.fields)[:40],
                    **self.device_details(),
                },
            )
            for change, refused in self.refused
        ]
        return append_events(session, clinic_id, self.node, events)

    def device_details(self) -> dict[str, str]:
        return {
            "by_device": str(self.device_id),
            "device_name": self.device_name,
            "device_role": self.device_role,
        }


@dataclass(frozen=True)
class ServerEvent:
    """One event the server itself writes into a clinic's audit log."""

    action: str
    actor_id: str | None
    target_type: str
    target_id: str | None
    details: dict[str, Any]


def append_events(
    session: Session, clinic_id: uuid.UUID, node: str, events: list[ServerEvent]
) -> list[Record]:
    """Chain ``events`` after the server's newest in the clinic. The caller holds the clinic's
    push lock (:func:`server.db.lock_key`), so two writers never take the same place."""
    if not events:
        return []
    seq, previous = _head(session, clinic_id, node)
    now_ms = time.time_ns() // 1_000_000
    moment = datetime.fromtimestamp(now_ms / 1000, UTC).isoformat()
    written = []
    for counter, event in enumerate(events):
        seq += 1
        fields: dict[str, Any] = {
            "occurred_at": moment,
            "actor_id": event.actor_id,
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "details": event.details,
            "created_at": moment,
            "updated_at": moment,
            "device_id": node,
            "chain_seq": seq,
            "prev_hash": previous,
        }
        event_id = str(uuid.uuid4())
        fields["row_hash"] = compute_hash({"event_id": event_id, **fields})
        previous = fields["row_hash"]
        stamp = f"{now_ms:013d}-{counter:06d}-{node}"
        record = Record(
            clinic_id=clinic_id,
            entity="audit_events",
            entity_id=event_id,
            fields=fields,
            clocks=dict.fromkeys(fields, stamp),
            hlc=stamp,
            deleted=False,
            created_device_id=None,
            last_device_id=None,
        )
        session.add(record)
        written.append(record)
    return written


def _head(session: Session, clinic_id: uuid.UUID, node: str) -> tuple[int, str]:
    """The (sequence, hash) of the server's newest audit event in this clinic."""
    newest = session.scalar(
        select(Record)
        .where(
            Record.clinic_id == clinic_id,
            Record.entity == "audit_events",
            Record.fields["device_id"].astext == node,
        )
        .order_by(cast(Record.fields["chain_seq"].astext, Integer).desc())
        .limit(1)
    )
    if newest is None:
        return 0, GENESIS
    return int(newest.fields["chain_seq"]), str(newest.fields["row_hash"])
