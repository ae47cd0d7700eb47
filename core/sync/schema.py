"""The columns each synced entity may carry, and their kinds, derived from the storage models.

The server checks every incoming change against this (a device cannot push a column or a value
that would break every other device's pull), and devices check what they pull.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text, Uuid, inspect

from core.storage.changes import synced_columns
from core.storage.models import SYNCED_MODELS
from core.storage.types import UTCDateTime

Kind = Literal["uuid", "sha256", "str", "int", "float", "bool", "datetime", "json"]
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def _kind_of(column: Any) -> Kind:
    """A column naming an image holds its SHA-256 in lower-case hex, nothing else: an image
    row keyed by anything else can never be pulled (and once erased it stalled every pull)."""
    if any(fk.target_fullname == "images.sha256" for fk in column.foreign_keys):
        return "sha256"
    return _kind(column.type)


def _kind(column_type: Any) -> Kind:
    if isinstance(column_type, Uuid):
        return "uuid"
    if isinstance(column_type, UTCDateTime):
        return "datetime"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Integer):
        return "int"
    if isinstance(column_type, Float):
        return "float"
    if isinstance(column_type, (String, Text)):
        return "str"
    if isinstance(column_type, JSON):
        return "json"
    raise TypeError(f"no sync kind for column type {column_type!r}")


@lru_cache(maxsize=1)
def entity_columns() -> dict[str, dict[str, tuple[Kind, bool, int | None]]]:
    """entity -> column -> (kind, nullable, maximum length for strings)."""
    out: dict[str, dict[str, tuple[Kind, bool, int | None]]] = {}
    for model in SYNCED_MODELS:
        columns = inspect(model).columns
        out[model.__tablename__] = {
            name: (
                _kind_of(columns[name]),
                bool(columns[name].nullable),
                getattr(columns[name].type, "length", None),
            )
            for name in synced_columns(model)
        }
    return out


def _valid(kind: Kind, value: Any, length: int | None) -> bool:
    if kind == "uuid":
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return isinstance(value, str)
    if kind == "sha256":
        return isinstance(value, str) and SHA256_HEX.match(value) is not None
    if kind == "datetime":
        if not isinstance(value, str):
            return False
        try:
            return datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            return False
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
    if kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return ok and math.isfinite(float(value))
    if kind == "str":
        return isinstance(value, str) and (length is None or len(value) <= length)
    return True  # json: anything JSON can carry


_DESCRIPTIONS = {"sha256": "SHA-256 digest (64 lower-case hex digits)"}


def field_problems(entity: str, fields: dict[str, Any]) -> list[str]:
    """Why these fields cannot be stored for ``entity`` (empty when they can)."""
    known = entity_columns().get(entity)
    if known is None:
        return [f"unknown entity {entity!r}"]
    problems = []
    for name, value in fields.items():
        if name not in known:
            problems.append(f"{entity} has no synced column {name!r}")
            continue
        kind, nullable, length = known[name]
        if value is None:
            if not nullable:
                problems.append(f"{entity}.{name} must not be null")
        elif not _valid(kind, value, length):
            problems.append(
                f"{entity}.{name} must be a {_DESCRIPTIONS.get(kind, kind)}"
                + (f" of at most {length} characters" if length and kind == "str" else "")
            )
    return problems
