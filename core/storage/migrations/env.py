"""Alembic environment: always run with a connection handed in by :mod:`core.storage.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from core.storage.models import Base, included_on, is_modelled

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=is_modelled,
        include_object=included_on(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("SkinLab migrations run through core.storage.migrate, with a connection")
_run(connection)
