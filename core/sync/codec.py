"""Rows to protocol changes and back: UUIDs and datetimes as strings, JSON columns as JSON."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Uuid, inspect

from core.storage.changes import entity_id_of, synced_columns
from core.storage.models import SYNCED_MODELS, Synced
from core.storage.types import UTCDateTime

ZERO_CLOCK = "0000000000000-000000-0"
ENTITY_MODELS: dict[str, type[Synced]] = {model.__tablename__: model for model in SYNCED_MODELS}
# Parents before children, so a page of pulled changes applies in an order foreign keys accept.
APPLY_ORDER = {
    "users": 0,
    "consent_records": 1,
    "images": 2,
    "skin_analysis_results": 3,
    "clinician_notes": 4,
    "audit_events": 5,
}


def to_wire(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def from_wire(model: type[Synced], column: str, value: Any) -> Any:
    if value is None:
        return None
    column_type = inspect(model).columns[column].type
    if isinstance(column_type, Uuid):
        return uuid.UUID(str(value))
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(str(value))
    return value


def primary_key(model: type[Synced], entity_id: str) -> Any:
    key = inspect(model).primary_key[0]
    return uuid.UUID(entity_id) if isinstance(key.type, Uuid) else entity_id


def wire_fields(obj: Synced) -> dict[str, Any]:
    return {name: to_wire(getattr(obj, name)) for name in synced_columns(type(obj))}


def row_change(obj: Synced) -> dict[str, Any]:
    """The full state of a row as a protocol upsert (columns with no clock get the zero clock)."""
    clocks = dict(obj.field_clocks or {})
    fields = wire_fields(obj)
    return {
        "entity": obj.__tablename__,
        "entity_id": entity_id_of(obj),
        "op": "upsert",
        "fields": fields,
        "clocks": {name: clocks.get(name, ZERO_CLOCK) for name in fields},
        "hlc": obj.hlc or ZERO_CLOCK,
    }


def delete_change(entity: str, entity_id: str, hlc: str) -> dict[str, Any]:
    return {
        "entity": entity,
        "entity_id": entity_id,
        "op": "delete",
        "fields": {},
        "clocks": {},
        "hlc": hlc or ZERO_CLOCK,
    }
