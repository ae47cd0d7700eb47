"""A patient erased on the desk, through the real server, on the kiosk that registered her: her
queued email and its PDF go too, she joins the kiosk's own erasure list and the cached results of
her photos are dropped (no one else's),
so a backup restored on the kiosk afterwards is cleaned again before use."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from core.cache import photo_group
from core.mail import queue_email
from core.privacy.actor import Actor
from core.privacy.erasure import erase_patient
from core.storage.migrate import backup_sqlite
from core.storage.models import EmailMessage, SkinAnalysisResult, User
from core.storage.repositories import audit
from tests.helpers.sync.world import DeviceDir, add_analysis, add_patient, sync_until_quiet

pytestmark = pytest.mark.postgres

EMAIL = "walkin@clinic.test"


def _queue_report(device: DeviceDir) -> str:
    with device.db.write() as session:
        message = queue_email(
            session, device.ctx.images, to=EMAIL, subject="Your report", body="Attached.",
            attachment_name="report.pdf", attachment=b"%PDF-1.7 her report",
        )  # fmt: skip
        digest = message.attachment_sha256
    assert digest is not None
    return digest


def test_an_erasure_received_by_sync_is_listed_and_survives_a_restore(enrolled, sync_server):
    kiosk, desk = enrolled("kiosk", role="kiosk"), enrolled("desk")
    boss = desk.sign_in_online(sync_server.database_url)  # erasing needs an administrator's proof
    patient = add_patient(kiosk, EMAIL, password="correct horse battery")
    analysis = add_analysis(kiosk, patient, seed=21)
    with kiosk.db.read() as session:
        row = session.get(SkinAnalysisResult, analysis)
        assert row is not None and row.image_sha256
        her_photo = row.image_sha256
    attachment = _queue_report(kiosk)
    cache = kiosk.ctx.cache  # as the engine caches a photo's result, and someone else's
    cache.set("analysis:hers", {"score": 71}, group=photo_group(her_photo))
    cache.set("analysis:others", {"score": 64}, group=photo_group("0" * 64))
    sync_until_quiet(kiosk, desk, rounds=1)
    backup = backup_sqlite(kiosk.db, kiosk.ctx.paths.backups, label="manual")
    assert backup is not None

    erase_patient(
        desk.db, desk.ctx.images, actor=Actor("admin", uuid.UUID(boss)), user_id=patient,
        erasure_log=desk.ctx.erasure_log,
    )  # fmt: skip
    sync_until_quiet(desk, kiosk, rounds=1)

    with kiosk.db.read() as session:
        assert session.get(User, patient) is None
        assert session.scalars(select(EmailMessage)).all() == [], "her queued report went too"
    assert not kiosk.ctx.images.exists(attachment)
    assert kiosk.ctx.erasure_log.user_ids() == [patient]
    assert cache.get("analysis:hers") is None and cache.get("analysis:others") == {"score": 64}
    kiosk.sync()  # the same tombstone again lists her once only
    assert kiosk.ctx.erasure_log.user_ids() == [patient]

    # Someone restores the kiosk's backup from before the erasure: she is erased again at once.
    kiosk.ctx.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{kiosk.data_dir}/skinlab.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, kiosk.data_dir / "skinlab.db")
    kiosk.reopen()
    with kiosk.db.read() as session:
        assert session.get(User, patient) is None
        assert session.scalars(select(EmailMessage)).all() == []
        assert [e.target_id for e in audit.recent(session, action="erasure_replayed")] == [
            str(patient)
        ]
