"""The seed's ``check_db_health`` as a core function: is the database reachable, sound and current?"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import text

from core.errors import SkinLabError
from core.storage.database import Database
from core.storage.migrate import check_not_newer, head_revision


@dataclass
class HealthReport:
    ok: bool
    status: str
    database: str
    latency_ms: float
    revision: str | None = None
    head: str | None = None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "database": self.database,
            "latency_ms": round(self.latency_ms, 2),
            "revision": self.revision,
            "head": self.head,
            "problems": list(self.problems),
        }


def check_db_health(db: Database, *, integrity: bool = True) -> HealthReport:
    """Round-trip a query, read the schema revision and, on SQLite, run ``quick_check``."""
    started = time.perf_counter()
    problems: list[str] = []
    revision: str | None = None
    head = head_revision()
    try:
        with db.connect() as conn:
            conn.execute(text("SELECT 1"))
            if db.is_sqlite and integrity:
                rows = [r[0] for r in conn.execute(text("PRAGMA quick_check")).fetchall()]
                if rows != ["ok"]:
                    problems.append("integrity check failed: " + "; ".join(map(str, rows[:5])))
        revision = check_not_newer(db)
        if revision != head:
            problems.append(
                f"schema is at {revision or 'none'}, expected {head}: run 'skinlab db upgrade'"
            )
    except SkinLabError as exc:
        problems.append(exc.message)
    latency = (time.perf_counter() - started) * 1000
    name = (
        str(db.sqlite_path) if db.is_sqlite else db.engine.url.render_as_string(hide_password=True)
    )
    return HealthReport(
        ok=not problems,
        status="healthy" if not problems else "unhealthy",
        database=name,
        latency_ms=latency,
        revision=revision,
        head=head,
        problems=problems,
    )
