"""A throw-away database on the test PostgreSQL server, shared by the storage, server and sync tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


def psycopg_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@contextmanager
def scratch_database(
    server_url: str, *, prefix: str = "skinlab_test", template: str | None = None
) -> Iterator[str]:
    """Create an empty database (or a copy of the database named ``template``, which nobody may be
    connected to), yield its URL, drop it (closing any connection still open)."""
    admin = create_engine(psycopg_url(server_url), isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
