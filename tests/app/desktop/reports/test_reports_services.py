"""Reports, exports and erasure over the real database and files: a visit's PDF, a progress report
that marks real change against retest noise, the patient's data as JSON and CSV written whole or
not at all, erasure only by an administrator who typed the name; each leaves its audit entry."""

from __future__ import annotations

import copy
import csv
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.context import AppContext
from app.desktop.exports.atomic import ExportError
from app.desktop.services import DesktopServices
from core.analysis import AnalysisResult
from core.errors import PermissionDeniedError, SkinLabError, ValidationError
from core.storage.models import AuditEvent, SkinAnalysisResult, User
from tests.helpers.desktop import PASSWORD
from tests.helpers.mounts import fill
from tests.helpers.visits import FIRST_VISIT, add_visits
from ui.desktop.ports import SessionInfo

LEVELS = (
    {"redness": 62.0, "pores": 40.0, "skin_score": 61.0},
    {"redness": 55.0, "pores": 41.0, "skin_score": 64.0},
    {"redness": 41.0, "pores": 41.5, "skin_score": 70.0},
)
SINCE = FIRST_VISIT.replace(day=1)
UNTIL = datetime(2026, 12, 31, tzinfo=UTC)


@pytest.fixture
def services(ctx: AppContext, emails: dict[str, str]) -> DesktopServices:
    return DesktopServices(ctx)


@pytest.fixture
def visits(ctx: AppContext, emails: dict[str, str], portrait_result, portrait) -> list[str]:
    return add_visits(
        ctx, email=emails["patient"], base=portrait_result, photo=portrait, levels=LEVELS
    )


def _as(services: DesktopServices, who: str, emails: dict[str, str]) -> SessionInfo:
    if who in ("patient", "kiosk"):
        signed = services.ctx.auth.login(emails[who], PASSWORD)
        return SessionInfo(
            signed.email, signed.role, signed.full_name, str(signed.user_id), signed.token
        )
    return services.login(emails[who], PASSWORD)


def _patient_id(ctx: AppContext, email: str) -> str:
    with ctx.database.read() as db:
        return str(db.scalar(select(User.user_id).where(User.email == email)))


def _events(ctx: AppContext, action: str) -> list[AuditEvent]:
    with ctx.database.read() as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        for row in rows:
            db.expunge(row)
        return list(rows)


def test_visits_and_a_visit_report(
    services: DesktopServices, ctx: AppContext, emails, visits: list[str], tmp_path: Path
) -> None:
    clinician = _as(services, "clinician", emails)
    pid = _patient_id(ctx, emails["patient"])
    record = services.patient_visits(clinician, pid)
    assert [v.analysis_id for v in record.visits] == visits[::-1]  # newest first
    assert record.patient.name == "Pat Doe" and not record.may_erase
    assert [e.target_id for e in _events(ctx, "patient_viewed")] == [pid]
    target = services.save_visit_report(clinician, visits[-1], tmp_path / "visit.pdf")
    reader = PdfReader(str(target))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Pat Doe" in text and "Skin analysis report" in text
    (event,) = _events(ctx, "report_exported")
    assert event.details == {"kind": "visit", "analysis_id": visits[-1]}
    assert event.target_id == pid and event.actor_id == clinician.user_id


def test_a_progress_report_marks_real_change_and_retest_noise(
    services: DesktopServices, ctx: AppContext, emails, visits: list[str], tmp_path: Path
) -> None:
    clinician = _as(services, "clinician", emails)
    pid = _patient_id(ctx, emails["patient"])
    data = services.progress_data(clinician, pid, since=SINCE, until=UNTIL)
    moved = {c.key: c for c in data.changes}
    assert moved["redness"].better is True and moved["redness"].real
    assert moved["pores"].better is None and not moved["pores"].real  # 1.5 points: noise
    assert len(data.visits) == 3 and data.before and data.after and data.before.jpeg
    target = services.save_progress_report(
        clinician, pid, since=SINCE, until=UNTIL, target=tmp_path / "p.pdf"
    )
    reader = PdfReader(str(target))
    assert len(reader.pages) == 2
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for words in (
        "Progress report",
        "Pat Doe",
        "better: real change",
        "within retest noise",
        "Trends",
    ):
        assert words in text
    kinds = [e.details["kind"] for e in _events(ctx, "report_exported")]
    assert kinds == ["progress"]
    with pytest.raises(ValidationError, match="no visits"):
        services.progress_data(
            clinician,
            pid,
            since=datetime(2020, 1, 1, tzinfo=UTC),
            until=datetime(2020, 2, 1, tzinfo=UTC),
        )
    with pytest.raises(ValidationError, match="ends before"):
        services.progress_data(clinician, pid, since=UNTIL, until=SINCE)


@pytest.fixture
def cut_then_whole(
    services: DesktopServices,
    ctx: AppContext,
    emails,
    chin_cut_result,
    chin_cut_portrait,
    portrait_result,
    portrait,
) -> tuple[SessionInfo, str]:
    """A patient whose first photo of the period had the chin cut off by the frame, the last
    whole; a clinician's session and the patient's id."""
    email = emails["patient"]
    add_visits(ctx, email=email, base=chin_cut_result, photo=chin_cut_portrait, levels=[{}])
    later = FIRST_VISIT + timedelta(days=30)
    add_visits(ctx, email=email, base=portrait_result, photo=portrait, levels=[{}], first=later)
    return _as(services, "clinician", emails), _patient_id(ctx, email)


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


def test_a_progress_report_reads_different_skin_like_for_like(
    services: DesktopServices, cut_then_whole, tmp_path: Path
) -> None:
    """The measures that read the chin are read again from both photos without it: the same face,
    so within retest noise, and the report says they were read like for like."""
    clinician, pid = cut_then_whole
    data = services.progress_data(clinician, pid, since=SINCE, until=UNTIL)
    moved = {c.key: c for c in data.changes}
    for key in ("redness", "oiliness", "acne"):
        change = moved[key]
        assert change.like_for_like == "without the chin" and change.not_comparable == "", key
        assert not change.real and abs(change.delta) <= change.spread, key
    assert moved["dark_circles"].like_for_like == ""  # under the eyes: the same skin as stored
    target = services.save_progress_report(
        clinician, pid, since=SINCE, until=UNTIL, target=tmp_path / "p.pdf"
    )
    text = _pdf_text(target)
    assert "within retest noise *" in text
    assert (
        "* Like for like: both photos read again without the chin, which only one of them showed."
        in text
    )
    assert "not compared" not in text.lower()


def test_a_progress_report_without_a_photo_does_not_compare_different_skin(
    services: DesktopServices, ctx: AppContext, cut_then_whole, tmp_path: Path
) -> None:
    """The first photo is not on this device: the measures that read the chin are marked not
    compared, with the region and why, never real change or noise."""
    clinician, pid = cut_then_whole
    with ctx.database.read() as db:
        first = db.scalars(select(SkinAnalysisResult).order_by(SkinAnalysisResult.created_at))
        digest = next(iter(first)).image_sha256
    assert digest is not None
    ctx.images.delete(digest)
    data = services.progress_data(clinician, pid, since=SINCE, until=UNTIL)
    moved = {c.key: c for c in data.changes}
    why = "chin measured only at the later visit (cut off by the edge of the photo)"
    for key in ("redness", "oiliness", "acne"):
        assert moved[key].not_comparable == why and not moved[key].real, key
        assert moved[key].like_for_like == ""
    assert moved["dark_circles"].not_comparable == ""  # under the eyes: the same skin
    target = services.save_progress_report(
        clinician, pid, since=SINCE, until=UNTIL, target=tmp_path / "p.pdf"
    )
    text = _pdf_text(target)
    assert "not compared: different skin" in text and f"Not compared: {why}." in text


def test_photos_that_cannot_be_read_again_are_not_compared(
    services: DesktopServices, ctx: AppContext, emails, portrait, portrait_result
) -> None:
    """A first visit stored as having measured the forehead alone, a last one everything but the
    forehead: like for like would leave every region out, the engine then measures nothing, and
    the progress report says "not compared" while the compare screen says why it cannot read them
    again."""
    email = emails["patient"]
    stored = copy.deepcopy(portrait_result.to_json())  # the fixture is shared: never edit it
    for entry in stored["measures"].values():
        if entry.get("measured", True) and entry.get("regions"):
            entry["regions"] = {"forehead": 0.0}
    first = add_visits(
        ctx, email=email, base=AnalysisResult.from_json(stored), photo=portrait, levels=[{}]
    )
    later = FIRST_VISIT + timedelta(days=30)
    last = add_visits(
        ctx, email=email, base=portrait_result, photo=portrait, levels=[{}], first=later
    )
    clinician, pid = _as(services, "clinician", emails), _patient_id(ctx, email)
    moved = {
        c.key: c for c in services.progress_data(clinician, pid, since=SINCE, until=UNTIL).changes
    }
    assert moved["redness"].not_comparable.startswith("forehead measured only at the earlier")
    assert moved["redness"].like_for_like == "" and not moved["redness"].real
    with pytest.raises(ValidationError, match="cannot be read again on the skin both showed"):
        services.like_for_like(clinician, first[0], last[0])


def test_the_patient_s_data_as_json_and_csv(
    services: DesktopServices, ctx: AppContext, emails, visits: list[str], tmp_path: Path
) -> None:
    clinician = _as(services, "clinician", emails)
    pid = _patient_id(ctx, emails["patient"])
    (tmp_path / "usb").mkdir()
    folder = services.export_patient_data(clinician, pid, tmp_path / "usb" / "Pat Doe export")
    assert sorted(p.name for p in folder.iterdir()) == ["patient.json", "photos", "visits.csv"]
    document = json.loads((folder / "patient.json").read_text())
    assert document["account"]["email"] == emails["patient"] and len(document["analyses"]) == 3
    assert "hashed_password" not in document["account"]
    with open(folder / "visits.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["analysis_id"] for r in rows] == visits
    assert [float(r["redness"]) for r in rows] == [62.0, 55.0, 41.0]
    assert [p.name for p in (tmp_path / "usb").iterdir()] == ["Pat Doe export"]  # no temp left
    (event,) = _events(ctx, "patient_exported")
    assert event.target_id == pid and event.actor_id == clinician.user_id
    with pytest.raises(ExportError, match="already exists"):
        services.export_patient_data(clinician, pid, folder)


def test_an_export_to_a_read_only_folder_or_a_full_disk_leaves_nothing(
    services: DesktopServices, ctx: AppContext, emails, visits: list[str], tmp_path: Path, tmpfs
) -> None:
    clinician = _as(services, "clinician", emails)
    pid = _patient_id(ctx, emails["patient"])
    locked = tmpfs("ro,size=256k")
    if locked is None:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
    with pytest.raises(ExportError) as exc:
        services.export_patient_data(clinician, pid, locked / "export")
    assert "cannot be written to" in exc.value.message
    assert list(locked.iterdir()) == []
    with pytest.raises(SkinLabError) as exc:
        services.save_visit_report(clinician, visits[0], locked / "visit.pdf")
    assert list(locked.iterdir()) == []
    full = tmpfs("size=256k")
    if full is None:
        pytest.skip("mounting a small file system needs root")
    fill(full, leave=64 * 1024)  # room for the JSON, not for the photos
    with pytest.raises(ExportError) as exc:
        services.export_patient_data(clinician, pid, full / "export")
    assert "not enough space" in exc.value.message
    assert sorted(p.name for p in full.iterdir()) == ["filler"]
    (full / "filler").unlink()
    (full / "visit.pdf").write_bytes(b"%PDF an earlier report")
    fill(full, leave=4 * 1024)
    with pytest.raises(SkinLabError, match="not enough space"):
        services.save_visit_report(clinician, visits[0], full / "visit.pdf")
    assert sorted(p.name for p in full.iterdir()) == ["filler", "visit.pdf"]
    assert (full / "visit.pdf").read_bytes() == b"%PDF an earlier report"


def test_erasure_needs_an_administrator_and_the_typed_name(
    services: DesktopServices, ctx: AppContext, emails, visits: list[str]
) -> None:
    pid = _patient_id(ctx, emails["patient"])
    clinician = _as(services, "clinician", emails)
    with pytest.raises(PermissionDeniedError):
        services.erase_patient(clinician, pid, "Pat Doe")
    admin = _as(services, "admin", emails)
    assert services.patient_visits(admin, pid).may_erase
    with pytest.raises(ValidationError, match="exactly as shown"):
        services.erase_patient(admin, pid, "Pat")
    with ctx.database.read() as db:
        assert db.get(User, uuid.UUID(pid)) is not None
    done = services.erase_patient(admin, pid, "  pat   DOE ")
    assert done.name == "Pat Doe" and done.analyses == 3 and done.photos >= 1
    with ctx.database.read() as db:
        assert db.get(User, uuid.UUID(pid)) is None
        assert db.scalars(select(SkinAnalysisResult)).all() == []
    (event,) = _events(ctx, "patient_erased")
    assert event.target_id == pid and event.actor_id == admin.user_id
    assert ctx.images.digests() == []


def test_patient_and_kiosk_accounts_can_do_none_of_this(
    services: DesktopServices, ctx: AppContext, emails, visits: list[str], tmp_path: Path
) -> None:
    pid = _patient_id(ctx, emails["patient"])
    sessions = [_as(services, who, emails) for who in ("patient", "kiosk")]
    for session in sessions:
        with pytest.raises(PermissionDeniedError):
            services.patient_visits(session, pid)
        with pytest.raises(PermissionDeniedError):
            services.save_visit_report(session, visits[0], tmp_path / "v.pdf")
        with pytest.raises(PermissionDeniedError):
            services.export_patient_data(session, pid, tmp_path / "export")
        with pytest.raises(PermissionDeniedError):
            services.erase_patient(session, pid, "Pat Doe")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert _events(ctx, "report_exported") == [] and _events(ctx, "patient_exported") == []
