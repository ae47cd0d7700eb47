"""Who may read a patient's record and its thumbnails and add notes; what a note keeps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.context import AppContext
from app.desktop.services import DesktopServices
from core.config import load_settings
from core.errors import NotFoundError, PermissionDeniedError, ValidationError
from core.storage.repositories import users
from tests.helpers.desktop import PASSWORD, add_accounts, add_analysis, add_patients
from ui.desktop.ports import SessionInfo


@pytest.fixture
def services(tmp_path: Path) -> Iterator[DesktopServices]:
    ctx = AppContext(load_settings(data_dir=tmp_path / "data"))
    services = DesktopServices(ctx)
    services.startup()
    add_accounts(ctx)
    yield services
    ctx.close()


def _two_patients(ctx: AppContext) -> tuple[str, str, str, str]:
    zoe, max_ = add_patients(
        ctx, [("Zoé", "Martin", "zoe@example.org"), ("Max", "Other", "max@example.org")]
    )
    a = add_analysis(ctx, zoe, days_ago=3, score=70, metrics={"redness": 20.0}, shade=10)
    b = add_analysis(ctx, max_, days_ago=2, score=60, metrics={"redness": 40.0}, shade=200)
    return str(zoe), str(max_), a, b


def _forged(services: DesktopServices, email: str) -> SessionInfo:
    signed = services.ctx.auth.login(email, PASSWORD)
    return SessionInfo(
        signed.email, "clinician", signed.full_name, str(signed.user_id), signed.token
    )


def test_a_clinician_reads_the_record_and_only_that_patients_thumbnails(services) -> None:
    zoe, _max, zoe_visit, max_visit = _two_patients(services.ctx)
    grace = services.login("grace@clinic.org", PASSWORD)
    record = services.patient_record(grace, zoe)
    assert [v.analysis_id for v in record.visits] == [zoe_visit]
    assert record.may_write_notes
    thumbs = services.visit_thumbnails(grace, zoe)
    assert set(thumbs) == {zoe_visit} and max_visit not in thumbs
    assert thumbs[zoe_visit][:2] == b"\xff\xd8"  # a JPEG


def test_patient_and_kiosk_accounts_cannot_read_records_or_write_notes(services) -> None:
    zoe, *_ = _two_patients(services.ctx)
    for email in ("pat@example.org", "kiosk1@clinic.org"):
        intruder = _forged(services, email)
        for call in (
            lambda s=intruder: services.patient_record(s, zoe),
            lambda s=intruder: services.visit_thumbnails(s, zoe),
            lambda s=intruder: services.add_note(s, zoe, "hello"),
        ):
            with pytest.raises(PermissionDeniedError):
                call()
    grace = services.login("grace@clinic.org", PASSWORD)
    assert services.patient_record(grace, zoe).notes == ()


def test_notes_keep_their_author_and_refuse_empty_or_huge_text(services) -> None:
    zoe, *_ = _two_patients(services.ctx)
    grace = services.login("grace@clinic.org", PASSWORD)
    note = services.add_note(grace, zoe, "  Azelaic acid, review in 8 weeks.  ")
    assert note.author == "Grace Hopper" and note.body == "Azelaic acid, review in 8 weeks."
    for bad in ("", "   ", "x" * 20_001):
        with pytest.raises(ValidationError):
            services.add_note(grace, zoe, bad)
    with services.ctx.database.write() as session:  # the author leaves; the note stays, unsigned
        users.erase(session, users.require_by_email(session, "grace@clinic.org"))
    ada = services.login("ada@clinic.org", PASSWORD)
    (kept,) = services.patient_record(ada, zoe).notes
    assert kept.author == "A former member of staff" and kept.body.startswith("Azelaic")


def test_an_erased_patient_is_gone_from_the_desktop(services) -> None:
    zoe, *_ = _two_patients(services.ctx)
    grace = services.login("grace@clinic.org", PASSWORD)
    with services.ctx.database.write() as session:
        users.erase(session, users.require_by_email(session, "zoe@example.org"))
    with pytest.raises(NotFoundError):
        services.patient_record(grace, zoe)
    with pytest.raises(NotFoundError):
        services.add_note(grace, zoe, "too late")
