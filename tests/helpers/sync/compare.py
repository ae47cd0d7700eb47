"""Row-for-row comparison of devices' SQLite files and the server's records, independent of the
sync code under test: devices are read with plain ``sqlite3``, the server with plain SQL."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, create_engine, inspect, text

from core.errors import NotFoundError, StorageError
from core.storage import ImageStore
from core.storage.changes import LOCAL_ONLY
from core.storage.models import SYNCED_MODELS
from tests.helpers.at_rest import open_sqlite

SYNCED_TABLES = tuple(model.__tablename__ for model in SYNCED_MODELS)
KEYS = {model.__tablename__: inspect(model).primary_key[0].name for model in SYNCED_MODELS}
JSON_COLUMNS = {
    model.__tablename__: {c.name for c in inspect(model).columns if isinstance(c.type, JSON)}
    for model in SYNCED_MODELS
}


def _canonical_id(table: str, value: Any) -> str:
    """Ids as the protocol spells them: UUIDs (stored as 32 hex digits by SQLite) with dashes."""
    text_value = str(value)
    if table != "images" and len(text_value) == 32:
        return f"{text_value[:8]}-{text_value[8:12]}-{text_value[12:16]}-{text_value[16:20]}-{text_value[20:]}"
    return text_value


@dataclass
class DeviceState:
    """Every synced row (synced columns + clocks, local-only columns left out) and tombstone."""

    rows: dict[str, dict[str, dict[str, Any]]]
    tombstones: set[tuple[str, str]]
    duplicates: dict[str, int]

    def ids(self, table: str) -> set[str]:
        return set(self.rows[table])


def device_state(db_path: Path) -> DeviceState:
    conn = open_sqlite(db_path, read_only=True, rows=True)
    try:
        rows: dict[str, dict[str, dict[str, Any]]] = {}
        duplicates: dict[str, int] = {}
        for table in SYNCED_TABLES:
            skip = LOCAL_ONLY.get(table, frozenset())
            found: dict[str, dict[str, Any]] = {}
            seen: Counter[str] = Counter()
            for row in conn.execute(f"SELECT * FROM {table}"):
                values = {k: row[k] for k in row.keys() if k not in skip}  # noqa: SIM118
                for name in JSON_COLUMNS[table]:
                    if isinstance(values.get(name), str):
                        values[name] = json.loads(values[name])
                key = _canonical_id(table, values.pop(KEYS[table]))
                seen[key] += 1
                found[key] = values
            rows[table] = found
            duplicates[table] = sum(n - 1 for n in seen.values())
        tombstones = {
            (entity, entity_id)
            for entity, entity_id in conn.execute("SELECT entity, entity_id FROM tombstones")
        }
    finally:
        conn.close()
    return DeviceState(rows=rows, tombstones=tombstones, duplicates=duplicates)


def integrity(db_path: Path) -> str:
    conn = open_sqlite(db_path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def differences(left: DeviceState, right: DeviceState, *, limit: int = 10) -> list[str]:
    """Human-readable differences between two devices, empty when they match row for row.

    Tombstones are compared by (entity, entity_id): their ids, times and clocks are each device's
    own record of when it learned of the delete, and no merge reads them."""
    out: list[str] = []
    for table in SYNCED_TABLES:
        a, b = left.rows[table], right.rows[table]
        for key in sorted(set(a) ^ set(b)):
            out.append(f"{table} {key}: only on {'left' if key in a else 'right'}")
        for key in sorted(set(a) & set(b)):
            if a[key] != b[key]:
                cols = sorted(c for c in a[key] if a[key][c] != b[key].get(c))
                detail = ", ".join(f"{c}: {a[key][c]!r} != {b[key].get(c)!r}" for c in cols[:4])
                out.append(f"{table} {key}: {detail}")
    for key in sorted(left.tombstones ^ right.tombstones):
        out.append(f"tombstone {key}: only on {'left' if key in left.tombstones else 'right'}")
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])


# -- the server --------------------------------------------------------------------------------------
@dataclass
class ServerState:
    records: dict[tuple[str, str], dict[str, Any]]
    blobs: dict[str, dict[str, Any]]
    duplicates: int

    def live(self, entity: str) -> set[str]:
        return {i for (e, i), r in self.records.items() if e == entity and not r["deleted"]}

    def deleted(self) -> set[tuple[str, str]]:
        return {k for k, r in self.records.items() if r["deleted"]}


def server_state(database_url: str, clinic_id: str) -> ServerState:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT entity, entity_id, fields, clocks, hlc, deleted FROM records "
                    "WHERE clinic_id = :c"
                ),
                {"c": clinic_id},
            ).all()
            blobs = conn.execute(
                text(
                    "SELECT sha256, length, upload_offset, complete, path FROM blobs WHERE clinic_id = :c"
                ),
                {"c": clinic_id},
            ).all()
    finally:
        engine.dispose()
    seen = Counter((r.entity, r.entity_id) for r in found)
    return ServerState(
        records={
            (r.entity, r.entity_id): {
                "fields": r.fields,
                "clocks": r.clocks,
                "hlc": r.hlc,
                "deleted": r.deleted,
            }
            for r in found
        },
        blobs={b.sha256: dict(b._mapping) for b in blobs},
        duplicates=sum(n - 1 for n in seen.values()),
    )


def server_differences(device_db: Any, device: DeviceState, server: ServerState) -> list[str]:
    """What differs between a device and the server: live rows (fields in wire form, clocks, row
    clock) and deletions (server tombstones against device tombstones)."""
    from sqlalchemy import select

    from core.storage.changes import entity_id_of
    from core.sync.codec import wire_fields

    out: list[str] = []
    wire: dict[tuple[str, str], dict[str, Any]] = {}
    with device_db.read() as session:
        for model in SYNCED_MODELS:
            for obj in session.scalars(select(model)):
                wire[(model.__tablename__, entity_id_of(obj))] = {
                    "fields": wire_fields(obj),
                    "clocks": dict(obj.field_clocks or {}),
                    "hlc": obj.hlc,
                }
    live = {k: r for k, r in server.records.items() if not r["deleted"]}
    for key in sorted(set(live) ^ set(wire)):
        out.append(f"{key}: only on {'the server' if key in live else 'the device'}")
    for key in sorted(set(live) & set(wire)):
        theirs = {name: live[key][name] for name in ("fields", "clocks", "hlc")}
        if theirs != wire[key]:
            cols = sorted(
                c for c in wire[key]["fields"] if wire[key]["fields"][c] != theirs["fields"].get(c)
            )
            out.append(f"{key}: differs in {cols or 'clocks/hlc'}")
    for key in sorted(server.deleted() ^ device.tombstones):
        out.append(
            f"deleted {key}: only on {'the server' if key in server.deleted() else 'the device'}"
        )
    return out[:10]


def image_problems(images: ImageStore, device: DeviceState, *, strict: bool) -> list[str]:
    """Every image row has its file, intact (opened with the device's key); with ``strict``, no
    file is left without a row."""
    out = []
    rows = device.ids("images")
    for digest in sorted(rows):
        try:
            images.read(digest)
        except NotFoundError:
            out.append(f"{digest[:12]}: row without a file")
        except StorageError as exc:
            out.append(f"{digest[:12]}: file damaged ({exc.message})")
    if strict:
        out += [f"{d[:12]}: file without a row" for d in sorted(set(images.digests()) - rows)]
    return out


def blob_problems(blob_dir: Path, server: ServerState) -> list[str]:
    """Every live image record has one complete, intact blob; no blob outlives its record."""
    out = []
    live = server.live("images")
    for digest in sorted(live):
        blob = server.blobs.get(digest)
        if blob is None or not blob["complete"]:
            out.append(f"{digest[:12]}: no complete blob on the server")
            continue
        path = blob_dir / blob["path"]
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            out.append(f"{digest[:12]}: server blob file missing or damaged")
    out += [f"{d[:12]}: blob without a live record" for d in sorted(set(server.blobs) - live)]
    return out
