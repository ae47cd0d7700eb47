"""The merge rule, shared by the server and the devices: field-level last-writer-wins by HLC.

Deletes and append-only entities are decided by the callers (see docs/sync-protocol.md); this module
merges the fields of two live versions of one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Merged:
    fields: dict[str, Any]
    clocks: dict[str, str]
    changed: frozenset[str]
    advanced: frozenset[str] = frozenset()
    """Columns whose clock moves forward, their value changed or not: the server judges these, as
    a newer clock on the same value still beats every older write to come."""


def merge_fields(
    stored_fields: dict[str, Any],
    stored_clocks: dict[str, str],
    incoming_fields: dict[str, Any],
    incoming_clocks: dict[str, str],
) -> Merged:
    """Per column, keep the value with the greater clock; on equal clocks keep the stored value.

    A column with no incoming clock is ignored: a value without a clock cannot be ordered.
    """
    fields = dict(stored_fields)
    clocks = dict(stored_clocks)
    changed: set[str] = set()
    advanced: set[str] = set()
    for name, value in incoming_fields.items():
        clock = incoming_clocks.get(name)
        if clock is None:
            continue
        current = clocks.get(name)
        if current is None or clock > current:
            if fields.get(name) != value or name not in fields:
                changed.add(name)
            advanced.add(name)
            fields[name] = value
            clocks[name] = clock
    return Merged(
        fields=fields,
        clocks=clocks,
        changed=frozenset(changed),
        advanced=frozenset(advanced),
    )
