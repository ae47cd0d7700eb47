"""Roles, least data and consent with real devices (data directories opened by the app) and the real
``skinlab serve``: what a kiosk may push and what it receives, an analysis without consent to sync
never leaving its device, photos fetched on demand by a workstation, and the administrator coming
from the server."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from core.storage.models import AuditEvent, SkinAnalysisResult, SyncConflict
from core.sync.errors import AdminFromServerError
from server.cli_support import create_clinic_admin
from server.config import normalize_database_url
from tests.helpers.at_rest import open_sqlite
from tests.helpers.sync.checks import clinic_of, db_file, local_queue
from tests.helpers.sync.compare import device_state
from tests.helpers.sync.world import add_analysis, add_patient, sync_until_quiet

pytestmark = pytest.mark.postgres


def _server_rows(server, device, entity: str) -> dict[str, dict]:
    engine = create_engine(normalize_database_url(server.database_url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT entity_id, fields FROM records WHERE clinic_id = :c AND entity = :e "
                    "AND NOT deleted"
                ),
                {"c": clinic_of(device), "e": entity},
            )
            return {r.entity_id: r.fields for r in rows}
    finally:
        engine.dispose()


def _blobs(server, device) -> set[str]:
    folder = server.blob_dir / clinic_of(device)
    return {p.name for p in folder.glob("*")} if folder.exists() else set()


def test_a_kiosk_role_change_is_refused_shown_audited_and_applied_nowhere(enrolled, sync_server):
    kiosk = enrolled("kiosk", role="kiosk")
    desk = enrolled("desk", role="workstation")
    patient = add_patient(kiosk, "walkin@clinic.test", password="correct horse battery")
    sync_until_quiet(kiosk, desk, rounds=1)
    # Someone with the kiosk's data directory promotes the patient and resets a password.
    kiosk.ctx.auth.set_role("walkin@clinic.test", "admin")
    report = kiosk.sync()  # the pass goes through; the refusal is reported, not raised
    assert len(report.rejected) == 1 and "administrator" in report.rejected[0]
    sync_until_quiet(desk, rounds=1)
    assert _server_rows(sync_server, kiosk, "users")[str(patient)]["role"] == "patient"
    desk_users = device_state(db_file(desk)).rows["users"]
    assert desk_users[str(patient)]["role"] == "patient"
    status = kiosk.ctx.sync.status()
    assert status.role == "kiosk"
    assert status.conflicts == 1
    assert any(
        line.startswith("admin_only:") and "administrator" in line
        for line in status.recent_conflicts
    )
    with kiosk.db.read() as session:
        refused = session.query(AuditEvent).filter_by(action="sync_change_refused").all()
        assert [(e.target_id, e.details["code"]) for e in refused] == [(str(patient), "admin_only")]
        assert session.query(SyncConflict).count() == 1
    server_log = [
        f
        for f in _server_rows(sync_server, kiosk, "audit_events").values()
        if f["action"] == "sync_change_refused"
    ]
    by_server = [f for f in server_log if "by_device" in f["details"]]
    assert [(f["details"]["device_role"], f["details"]["code"]) for f in by_server] == [
        ("kiosk", "admin_only")
    ]
    assert len(server_log) == 2  # the server's own record, and the kiosk's (pushed with the rest)


def test_an_analysis_without_sync_consent_never_reaches_the_server(enrolled, sync_server):
    kiosk = enrolled("kiosk", role="kiosk")
    patient = add_patient(kiosk, "private@clinic.test")
    private = add_analysis(kiosk, patient, seed=31, allow_sync=False)
    shared = add_analysis(kiosk, patient, seed=32)
    guest = add_analysis(kiosk, None, seed=33, allow_sync=False)
    kiosk.sync()
    on_server = _server_rows(sync_server, kiosk, "skin_analysis_results")
    assert str(shared) in on_server
    assert str(private) not in on_server and str(guest) not in on_server
    rows = device_state(db_file(kiosk)).rows["skin_analysis_results"]
    kept = {rows[str(a)]["image_sha256"] for a in (private, guest)}
    sent = {rows[str(shared)]["image_sha256"], rows[str(shared)]["thumbnail_sha256"]}
    assert _blobs(sync_server, kiosk) == sent  # no byte of the private photos left the kiosk
    assert not kept & set(_server_rows(sync_server, kiosk, "images"))
    assert local_queue(kiosk) == {"sync_outbox": 0, "sync_batches": 0, "sync_conflicts": 0}
    # Edited later, the private analysis still stays.
    with kiosk.db.write() as session:
        row = session.get(SkinAnalysisResult, private)
        assert row is not None
        row.skin_score = 1.0
    assert local_queue(kiosk)["sync_outbox"] == 0
    kiosk.sync()
    assert str(private) not in _server_rows(sync_server, kiosk, "skin_analysis_results")


def test_a_kiosk_receives_no_staff_hash_and_no_other_patients_photo(enrolled, sync_server):
    desk = enrolled("desk", role="workstation")
    admin = enrolled("admin", role="admin")
    kiosk = enrolled("kiosk", role="kiosk")
    admin.ctx.auth.register(
        email="derm@clinic.test",
        first_name="Derm",
        last_name="Atologist",
        role="clinician",
        password="a long staff password",
    )
    patient = add_patient(desk, "seen@clinic.test", password="patient password 1")
    analysis = add_analysis(desk, patient, seed=41)
    sync_until_quiet(admin, desk, kiosk, rounds=2)
    st = device_state(db_file(kiosk))
    assert {u["role"] for u in st.rows["users"].values()} == {"patient"}
    assert "derm@clinic.test" not in {u["email"] for u in st.rows["users"].values()}
    row = st.rows["skin_analysis_results"][str(analysis)]
    assert row["image_sha256"] is None and row["thumbnail_sha256"] is None
    assert st.rows["images"] == {} and st.rows["clinician_notes"] == {}
    assert not list(kiosk.ctx.images.root.glob("??/*"))  # not one photo file
    conn = open_sqlite(db_file(kiosk), read_only=True)
    try:
        hashes = [h for (h,) in conn.execute("SELECT hashed_password FROM users") if h]
    finally:
        conn.close()
    assert len(hashes) == 1  # the patient's, so she can sign in here
    assert kiosk.ctx.auth.login("seen@clinic.test", "patient password 1").user_id == patient


def test_a_workstation_fetches_photos_on_demand_and_forgets_them(enrolled, sync_server):
    kiosk = enrolled("kiosk", role="kiosk")
    desk = enrolled("desk", role="workstation")
    patient = add_patient(kiosk, "photo@clinic.test")
    analysis = add_analysis(kiosk, patient, seed=51)
    sync_until_quiet(kiosk, desk, rounds=1)
    row = device_state(db_file(desk)).rows["skin_analysis_results"][str(analysis)]
    digest = row["image_sha256"]
    assert digest and not desk.ctx.images.exists(digest)  # not in the pull
    assert desk.ctx.sync.fetch_photo(digest) is True
    assert desk.ctx.images.exists(digest)
    assert desk.ctx.sync.prune_photo_cache(older_than_days=1) == 0  # just used
    with desk.db.write() as session:
        session.execute(text("UPDATE photo_cache SET used_at = '2000-01-01 00:00:00.000000'"))
    assert desk.ctx.sync.prune_photo_cache(older_than_days=1) == 1
    assert not desk.ctx.images.exists(digest)
    assert desk.ctx.sync.fetch_photo("0" * 64) is False  # not on the server


def test_the_administrator_comes_from_the_server(enrolled, sync_server, clinic):
    desk = enrolled("desk", role="workstation")
    kiosk = enrolled("kiosk", role="kiosk")
    with pytest.raises(AdminFromServerError, match="comes from the server"):
        desk.ctx.auth.create_first_admin(
            email="me@clinic.test", first_name="Me", last_name="Self", password="long password 1"
        )
    create_clinic_admin(
        sync_server.database_url,
        clinic,
        email="boss@clinic.test",
        first_name="Boss",
        last_name="Person",
        password="the boss password",
    )
    sync_until_quiet(desk, kiosk, rounds=1)
    assert desk.ctx.auth.login("boss@clinic.test", "the boss password").role == "admin"
    assert "boss@clinic.test" not in {
        u["email"] for u in device_state(db_file(kiosk)).rows["users"].values()
    }
