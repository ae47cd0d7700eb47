"""Check the audit chains stored in a database (``skinlab audit verify``)."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.chain import CHAINED_FIELDS, ChainReport, verify_rows
from core.storage.database import Database
from core.storage.models import AuditEvent
from core.storage.repositories.audit import recorded_head


def verify_database(db: Database) -> ChainReport:
    """Every device's chain in ``db``, and this device's chain against the head it recorded."""
    columns = [getattr(AuditEvent, name) for name in (*CHAINED_FIELDS, "row_hash")]
    with db.read() as session:
        rows = session.execute(select(*columns)).mappings().all()
        head = recorded_head(session)
    heads = {head[0]: (head[1], head[2])} if head else None
    return verify_rows(rows, heads=heads)
