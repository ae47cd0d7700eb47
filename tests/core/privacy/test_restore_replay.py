"""An erased patient does not come back with a restored backup: the erasure list is replayed."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.context import AppContext
from core.config import load_settings
from core.privacy.actor import DEVICE_OWNER
from core.privacy.erasure import erase_patient
from core.storage.migrate import backup_sqlite
from core.storage.models import User
from core.storage.repositories import audit


def test_a_restored_backup_is_erased_again_before_use(tmp_path: Path) -> None:
    ctx = AppContext(load_settings(data_dir=tmp_path))
    try:
        jane = ctx.auth.register(
            email="jane@example.org",
            first_name="Jane",
            last_name="Doe",
            role="patient",
            password=None,
        )
        backup = backup_sqlite(ctx.database, ctx.paths.backups, label="manual")
        assert backup is not None
        erase_patient(
            ctx.database, ctx.images, actor=DEVICE_OWNER, user_id=jane, erasure_log=ctx.erasure_log
        )
    finally:
        ctx.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp_path}/skinlab.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, tmp_path / "skinlab.db")  # what a person restoring a backup does
    ctx = AppContext(load_settings(data_dir=tmp_path))
    try:
        with ctx.database.read() as session:
            assert session.get(User, jane) is None
            assert [e.action for e in audit.recent(session, action="erasure_replayed")]
    finally:
        ctx.close()
