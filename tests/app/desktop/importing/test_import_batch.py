"""Importing a real folder: bad files fail one by one with the engine's reason while the rest are
saved with their visit dates; a sideways photo is turned upright; a patient erased mid-import stops
it with nothing orphaned; only clinicians and administrators may import."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

import app.desktop.importing.job as import_job
from app.context import AppContext
from app.desktop.services import DesktopServices
from core.errors import PermissionDeniedError
from core.privacy.actor import Actor
from core.privacy.erasure import erase_patient
from core.storage.models import AuditEvent, ImageBlob, SkinAnalysisResult, User
from tests.helpers.desktop import PASSWORD
from tests.helpers.import_photos import EXIF_DATE, FILE_TIME, OWNER, good_faces, mixed_folder
from ui.desktop.importing.ports import (
    ImportEvent,
    ImportFinished,
    ImportItem,
    ImportProgress,
    ImportRequest,
    PatientChoice,
)
from ui.desktop.ports import SessionInfo

WAIT = 240


class Heard:
    def __init__(self, on_saved=None) -> None:
        self.events: list[ImportEvent] = []
        self.finished = threading.Event()
        self.on_saved = on_saved

    def __call__(self, event: ImportEvent) -> None:
        self.events.append(event)
        if isinstance(event, ImportProgress) and event.outcome.ok and self.on_saved:
            self.on_saved(event)
            self.on_saved = None
        if isinstance(event, ImportFinished):
            self.finished.set()

    @property
    def end(self) -> ImportFinished:
        assert self.finished.wait(WAIT), "the import never finished"
        last = self.events[-1]
        assert isinstance(last, ImportFinished)
        return last

    def outcomes(self) -> dict[str, tuple[bool, str, str]]:
        return {
            e.outcome.path.name: (e.outcome.ok, e.outcome.code, e.outcome.message)
            for e in self.events
            if isinstance(e, ImportProgress)
        }


@pytest.fixture
def services(ctx: AppContext, emails: dict[str, str]) -> DesktopServices:
    made = DesktopServices(ctx)
    made.import_workers = 2
    return made


def _session(services: DesktopServices, email: str) -> SessionInfo:
    return services.login(email, PASSWORD)


def _patient(services: DesktopServices, session: SessionInfo, text: str = "pat") -> PatientChoice:
    found = services.find_import_patients(session, text)
    assert [p.email for p in found] == ["pat@example.org"]
    return found[0]


def _request(services, session, paths: list[Path], patient: PatientChoice) -> ImportRequest:
    candidates = services.scan_import(session, paths)
    items = tuple(
        ImportItem(c.path, c.taken, c.source) for c in candidates if not c.problem and c.taken
    )
    return ImportRequest(patient=patient, items=items)


def _analyses(ctx: AppContext, patient_id: str) -> list[SkinAnalysisResult]:
    with ctx.database.read() as db:
        rows = db.scalars(
            select(SkinAnalysisResult).where(SkinAnalysisResult.user_id == uuid.UUID(patient_id))
        ).all()
        for row in rows:
            db.expunge(row)
        return list(rows)


def _no_orphans(ctx: AppContext) -> None:
    """Every photo file on disk has its row and every row its file."""
    with ctx.database.read() as db:
        rows = set(db.scalars(select(ImageBlob.sha256)))
    assert set(ctx.images.digests()) == rows


def test_a_mixed_folder_saves_the_photos_and_says_why_each_other_file_failed(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    files = mixed_folder(tmp_path / "card")
    session = _session(services, emails["clinician"])
    patient = _patient(services, session)
    candidates = {c.path.name: c for c in services.scan_import(session, [tmp_path / "card"])}
    assert set(candidates) == {p.name for p in files.values()}
    assert "not a photo" in candidates["notes.txt"].problem.lower()
    assert candidates["a-dated.jpg"].source == "exif"
    assert (
        candidates["a-dated.jpg"].taken
        == datetime.strptime(EXIF_DATE, "%Y:%m:%d %H:%M:%S").astimezone()
    )
    assert candidates["b-undated.jpg"].source == "file"
    assert candidates["b-undated.jpg"].taken == FILE_TIME.astimezone()

    heard = Heard()
    services.start_import(session, _request(services, session, [tmp_path / "card"], patient), heard)
    end = heard.end
    outcomes = heard.outcomes()
    assert end.ending == "done" and end.saved == 3 and end.failed == 3 and end.not_done == 0
    assert outcomes["a-dated.jpg"][0] and outcomes["b-undated.jpg"][0]
    assert outcomes["c-sideways.jpg"][0] and "Turned upright" in outcomes["c-sideways.jpg"][2]
    assert outcomes["d-coffee.jpg"][:2] == (False, "no_face")
    assert outcomes["d-coffee.jpg"][2].startswith("No face was found in the photo.")
    assert outcomes["e-empty.jpg"][:2] == (False, "unreadable_image")
    assert "empty" in outcomes["e-empty.jpg"][2]
    assert outcomes["f-corrupt.jpg"][:2] == (False, "unreadable_image")
    assert outcomes["f-corrupt.jpg"][2]  # the engine's sentence, not a traceback

    rows = {str(r.analysis_id): r for r in _analyses(ctx, patient.patient_id)}
    assert len(rows) == 3
    dated = rows[
        next(
            e.outcome.analysis_id
            for e in heard.events
            if isinstance(e, ImportProgress) and e.outcome.path.name == "a-dated.jpg"
        )
    ]
    assert dated.created_at == candidates["a-dated.jpg"].taken.astimezone(UTC).replace(
        microsecond=0
    )
    stored = ctx.images.read(dated.image_sha256 or "")
    assert OWNER.encode() not in stored and b"Camera X100" not in stored  # metadata dropped
    for row in rows.values():
        with Image.open(io.BytesIO(ctx.images.read(row.thumbnail_sha256 or ""))) as thumb:
            assert max(thumb.size) <= 256 and thumb.height > thumb.width
    with ctx.database.read() as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "analysis_imported")
        ).all()
        clinician = db.scalar(select(User.user_id).where(User.email == emails["clinician"]))
        assert len(events) == 3
        assert {e.actor_id for e in events} == {str(clinician)}
        assert {e.target_id for e in events} == {patient.patient_id}
        assert {e.details["analysis_id"] for e in events} == set(rows)
    _no_orphans(ctx)


def test_a_sideways_photo_without_orientation_tag_is_stored_upright(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    files = mixed_folder(tmp_path / "card")
    session = _session(services, emails["admin"])
    patient = _patient(services, session)
    heard = Heard()
    request = _request(services, session, [files["sideways"]], patient)
    services.start_import(session, request, heard)
    assert heard.end.saved == 1
    (row,) = _analyses(ctx, patient.patient_id)
    with Image.open(files["sideways"]) as original:
        assert original.width > original.height  # the portrait lies on its side
    with Image.open(io.BytesIO(ctx.images.read(row.image_sha256 or ""))) as stored:
        assert stored.height > stored.width  # stored standing up
        assert stored.getexif().get(0x0112) in (None, 1)
    assert heard.outcomes()[files["sideways"].name][2].startswith(
        "Turned upright (a quarter turn anticlockwise)"
    )
    with ctx.database.read() as db:
        event = db.scalar(select(AuditEvent).where(AuditEvent.action == "analysis_imported"))
        assert event is not None and event.details["turned"] == 90
    assert row.result["face"]["box"]  # a face was found in the stored, upright copy


def test_the_same_photo_twice_is_not_saved_twice(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    (photo,) = good_faces(tmp_path / "card", 1)
    session = _session(services, emails["clinician"])
    patient = _patient(services, session)
    for expected in (1, 0):
        heard = Heard()
        services.start_import(session, _request(services, session, [photo], patient), heard)
        assert heard.end.saved == expected
    ok, code, message = heard.outcomes()[photo.name]
    assert (ok, code) == (False, "already_imported") and "already" in message
    assert len(_analyses(ctx, patient.patient_id)) == 1
    _no_orphans(ctx)


def test_an_import_gives_back_the_memory_it_freed_once_it_ends(
    services: DesktopServices,
    emails: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run's answers (photos, thumbnails) are freed by then; malloc would keep their pages."""
    released: list[bool] = []
    real = import_job.release_free_memory

    def release() -> bool:
        released.append(heard.finished.is_set())  # after the page was told the run ended
        return real()

    monkeypatch.setattr(import_job, "release_free_memory", release)
    photos = good_faces(tmp_path / "card", 2)
    session = _session(services, emails["clinician"])
    patient = _patient(services, session)
    heard = Heard()
    job = services.start_import(session, _request(services, session, photos, patient), heard)
    assert heard.end.saved == 2
    assert job.wait(WAIT)
    assert released == [True]


def test_erasing_the_patient_during_an_import_stops_it_and_orphans_nothing(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    photos = good_faces(tmp_path / "card", 6)
    session = _session(services, emails["clinician"])
    patient = _patient(services, session)
    services.import_workers = 1  # one at a time, so the erasure lands between two saves
    erased = threading.Event()

    def erase(_event: ImportProgress) -> None:
        erase_patient(
            ctx.database,
            ctx.images,
            actor=Actor(role="admin"),
            user_id=patient.patient_id,
            erasure_log=ctx.erasure_log,
        )
        erased.set()

    heard = Heard(on_saved=erase)
    services.start_import(session, _request(services, session, photos, patient), heard)
    end = heard.end
    assert erased.is_set()
    assert end.ending == "stopped"
    assert "Pat Doe was erased" in end.message and "nothing more was saved" in end.message
    assert end.saved == 1 and end.saved + end.failed + end.not_done == 6
    assert _analyses(ctx, patient.patient_id) == []
    with ctx.database.read() as db:
        assert db.get(User, uuid.UUID(patient.patient_id)) is None
        assert db.scalars(select(SkinAnalysisResult)).all() == []
    _no_orphans(ctx)
    assert ctx.images.digests() == []


def test_only_clinicians_and_admins_may_import(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    photos = good_faces(tmp_path / "card", 1)
    clinician = _session(services, emails["clinician"])
    patient = _patient(services, clinician)
    request = _request(services, clinician, photos, patient)
    for role in ("patient", "kiosk"):
        signed = ctx.auth.login(emails[role], PASSWORD)
        other = SessionInfo(
            email=signed.email,
            role=signed.role,
            full_name=signed.full_name,
            user_id=str(signed.user_id),
            token=signed.token,
        )
        with pytest.raises(PermissionDeniedError):
            services.start_import(other, request, Heard())
        with pytest.raises(PermissionDeniedError):
            services.find_import_patients(other, "pat")
    assert _analyses(ctx, patient.patient_id) == []


def test_an_account_deactivated_mid_import_stops_saving(
    services: DesktopServices, ctx: AppContext, emails: dict[str, str], tmp_path: Path
) -> None:
    photos = good_faces(tmp_path / "card", 4)
    session = _session(services, emails["clinician"])
    patient = _patient(services, session)
    services.import_workers = 1
    heard = Heard(on_saved=lambda _e: ctx.auth.deactivate(emails["clinician"]))
    services.start_import(session, _request(services, session, photos, patient), heard)
    end = heard.end
    assert end.ending == "stopped" and "deactivated" in end.message
    assert len(_analyses(ctx, patient.patient_id)) == 1
    _no_orphans(ctx)
