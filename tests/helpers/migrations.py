"""Move a real database file to one revision of SkinLab's migrations, up or down, as Alembic does
at start-up: the migration tests' one way to stand a database at an older schema."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from core.storage import Database
from core.storage.migrate import MIGRATIONS


def migrate_to(db: Database, revision: str, *, down: bool = False) -> None:
    with db.connect(write=True) as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
