"""Alembic environment of the server: always run through :func:`server.db.migrate`."""

from __future__ import annotations

from alembic import context

from server.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Server migrations run through server.db.migrate, with a connection")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=config.attributes.get("version_table", "server_alembic_version"),
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
