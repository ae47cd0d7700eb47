"""The audit hash chain, as pure functions over plain mappings (ORM rows or pushed sync fields).

Each device numbers its events 1, 2, 3... (``chain_seq``) and stores in each the SHA-256 of the one
before (``prev_hash``; :data:`GENESIS` for the first) and its own (``row_hash``), computed over a
canonical JSON of :data:`CHAINED_FIELDS`. Editing any of them, deleting a row or swapping two rows
breaks the chain at that point; :func:`verify_rows` says where and how.

Deleting the newest rows of a chain leaves a shorter valid chain: that is caught only against a
head kept elsewhere (:func:`verify_rows` takes ``heads``; the device keeps its own in
``sync_state``, the server keeps the last one each device pushed).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "device_id",
    "chain_seq",
    "prev_hash",
    "event_id",
    "occurred_at",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "details",
)
ProblemKind = Literal["edited", "missing", "duplicate", "broken_link", "truncated"]


def _moment(value: Any) -> str:
    """One spelling of a time: UTC, microseconds, ``+00:00`` (a datetime or its ISO text)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_bytes(event: Mapping[str, Any]) -> bytes:
    """The bytes a row's hash is computed over: its chained fields as sorted, compact JSON."""
    payload = {name: event.get(name) for name in CHAINED_FIELDS}
    payload["event_id"] = str(uuid.UUID(str(payload["event_id"])))
    payload["occurred_at"] = _moment(payload["occurred_at"])
    payload["details"] = dict(payload["details"] or {})
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def compute_hash(event: Mapping[str, Any]) -> str:
    """The ``row_hash`` an event must carry (its own ``row_hash`` is not part of the input)."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    device_id: str
    chain_seq: int
    kind: ProblemKind
    message: str
    event_id: str | None = None


@dataclass
class ChainReport:
    """The verdict on every chain: ``ok`` only when no chain has a problem."""

    events: dict[str, int] = field(default_factory=dict)
    """device id -> how many chained events it has."""
    unchained: int = 0
    """Events from before the chain existed (no device or sequence): reported, not judged."""
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _as_mapping(row: Any) -> Mapping[str, Any]:
    if isinstance(row, Mapping):
        return row
    return {name: getattr(row, name) for name in (*CHAINED_FIELDS, "row_hash")}


def verify_rows(
    rows: Iterable[Any], *, heads: Mapping[str, tuple[int, str]] | None = None
) -> ChainReport:
    """Check every device's chain in ``rows`` (mappings or ORM objects with the chained fields).

    ``heads`` maps a device id to the (sequence, hash) its newest event is known to have had; a
    chain that ends before it was cut short.
    """
    report = ChainReport()
    chains: dict[str, list[Mapping[str, Any]]] = {}
    for raw in rows:
        row = _as_mapping(raw)
        if not row.get("device_id") or row.get("chain_seq") is None:
            report.unchained += 1
            continue
        chains.setdefault(str(row["device_id"]), []).append(row)
    for device, chain in sorted(chains.items()):
        chain.sort(key=lambda r: int(r["chain_seq"]))
        report.events[device] = len(chain)
        report.problems.extend(_check_chain(device, chain))
    for device, (seq, digest) in (heads or {}).items():
        chain = chains.get(device, [])
        last = chain[-1] if chain else None
        if last is None or int(last["chain_seq"]) < seq:
            have = int(last["chain_seq"]) if last else 0
            report.problems.append(
                ChainProblem(
                    device,
                    have + 1,
                    "truncated",
                    f"events {have + 1}-{seq} of device {device} are missing from the end",
                )
            )
        elif int(last["chain_seq"]) == seq and last.get("row_hash") != digest:
            report.problems.append(
                ChainProblem(device, seq, "edited", f"event {seq} differs from the recorded head")
            )
    return report


def _hash_or_none(row: Mapping[str, Any]) -> str | None:
    """The row's hash, or None when a field cannot be read (a bad time or id never verifies)."""
    try:
        return compute_hash(row)
    except (ValueError, TypeError):
        return None


def _check_chain(device: str, chain: list[Mapping[str, Any]]) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    expected_seq, previous = 1, GENESIS
    for row in chain:
        seq, event = int(row["chain_seq"]), str(row.get("event_id"))
        if seq < expected_seq:
            problems.append(
                ChainProblem(device, seq, "duplicate", f"event {seq} appears twice", event)
            )
            continue
        if seq > expected_seq:
            gap = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
            problems.append(
                ChainProblem(device, expected_seq, "missing", f"events {gap} are missing")
            )
        elif row.get("prev_hash") != previous:
            problems.append(
                ChainProblem(
                    device,
                    seq,
                    "broken_link",
                    f"event {seq} does not follow event {seq - 1}",
                    event,
                )
            )
        if _hash_or_none(row) != row.get("row_hash"):
            problems.append(
                ChainProblem(
                    device, seq, "edited", f"event {seq} was changed after it was written", event
                )
            )
        expected_seq, previous = seq + 1, str(row.get("row_hash"))
    return problems
