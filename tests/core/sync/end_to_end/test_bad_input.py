"""Bad input seen from a device: what it is told, what it keeps, and that nothing wrong merges.

The server's own answers to malformed batches, unknown entities, other clinics' rows, bad hashes,
oversized uploads, future cursors and used or expired codes are in tests/server; here are the
device's side of them, through the app's own services and the ``skinlab`` command.
"""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, delete, select, text

import app.cli
from core.errors import SkinLabError
from core.storage.hlc import ClockSkewError
from core.storage.models import SyncConflict, SyncState
from core.sync import identity, state
from server.cli_support import revoke_device
from server.config import ServerSettings, normalize_database_url
from server.enrollment import code_hash
from tests.helpers.sync.checks import clinic_of, ids_of
from tests.helpers.sync.compare import server_state
from tests.helpers.sync.world import (
    add_analysis,
    add_note,
    add_patient,
    edit_user,
    enroll_code,
    serving,
    sync_until_quiet,
)

pytestmark = pytest.mark.postgres


def skinlab(capsys, device, *args: str) -> tuple[int, str, str]:
    code = app.cli.main(["--data-dir", str(device.data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def live_ids(database_url: str, clinic_id: str, entity: str) -> set[str]:
    return server_state(normalize_database_url(database_url), clinic_id).live(entity)


def try_sync(device, times: int = 2) -> list[str]:
    """Sync ``times`` times, as the background worker would; the errors it met, in words."""
    errors = []
    for _ in range(times):
        try:
            device.sync()
        except SkinLabError as exc:
            errors.append(exc.message)
    return errors


# -- refused changes -------------------------------------------------------------------------------
def test_a_refused_change_is_counted_in_sync_status(enrolled, capsys):
    a = enrolled("kiosk-a")
    patient = add_patient(a, "nul@clinic.test")
    add_note(a, patient, "pasted from a PDF:\x00 dry skin")  # PostgreSQL cannot store NUL
    code, out, _ = skinlab(capsys, a, "sync", "--once")
    assert code == 0 and "1 refused (see --status)" in out
    code, out, _ = skinlab(capsys, a, "sync", "--status")
    assert code == 0
    assert "conflicts:       1" in out and "pending changes: 0" in out
    assert "set aside:     invalid_change: clinician_notes" in out  # which change, and why
    with a.db.read() as session:
        conflict = session.scalars(select(SyncConflict)).one()
    assert conflict.code == "invalid_change" and "NUL" in conflict.message


def _reprovision(device, sync_server, clinic: str) -> None:
    """An administrator moves a kiosk to another clinic: new key, new enrollment."""
    device.ctx.paths.device_key_file.unlink()
    device.ctx.sync.enroll(
        sync_server.url,
        enroll_code(sync_server.database_url, clinic),
        device_name="moved",
        force=True,
    )


@pytest.mark.parametrize("cause", ["a NUL in a note", "another clinic's row"])
def test_one_refused_change_does_not_hold_back_the_rest(enrolled, devices, sync_server, cause):
    """A batch refused whole (422/403) is set aside; the good changes in it must still arrive."""
    a = enrolled("kiosk-a")
    patient = add_patient(a, "first@clinic.test")
    if cause == "a NUL in a note":
        add_note(a, patient, "bad\x00note")
        target = clinic_of(a)
    else:
        a.sync()  # the patient now belongs to this clinic on the server
        other = f"Clinic {uuid.uuid4().hex[:8]}"
        _reprovision(a, sync_server, other)
        edit_user(a, patient, first_name="Moved")  # a row of the first clinic
        target = clinic_of(a)
    good = add_patient(a, "good@clinic.test")
    try_sync(a)
    assert a.ctx.sync.status().conflicts >= 1
    assert str(good) in live_ids(sync_server.database_url, target, "users")


def test_another_clinics_rows_never_reach_a_moved_device(enrolled, sync_server, devices):
    a = enrolled("kiosk-a")
    patient = add_patient(a, "stays@clinic.test")
    a.sync()
    other = f"Clinic {uuid.uuid4().hex[:8]}"
    newcomer = devices("newcomer")
    newcomer.enroll(sync_server.url, enroll_code(sync_server.database_url, other))
    _reprovision(a, sync_server, other)
    edit_user(a, patient, first_name="Leaked?")
    try_sync(a)
    newcomer.sync()
    assert str(patient) not in ids_of(newcomer)["users"]
    assert str(patient) not in live_ids(sync_server.database_url, clinic_of(newcomer), "users")


# -- clocks ----------------------------------------------------------------------------------------
def skew(monkeypatch, device, seconds: float, *, token: bool = True) -> None:
    """Pretend the device's clock is ``seconds`` off: its request tokens and its HLC."""
    real = time.time
    if token:
        monkeypatch.setattr(identity, "time", SimpleNamespace(time=lambda: real() + seconds))
    monkeypatch.setattr(device.db.clock, "_wall", lambda: int((real() + seconds) * 1000))


@pytest.mark.parametrize("minutes", [10, -10])
def test_a_device_whose_clock_is_10_minutes_off_is_told_and_nothing_merges(
    enrolled, sync_server, monkeypatch, capsys, minutes
):
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    theirs = add_patient(b, "b@clinic.test")
    b.sync()
    skew(monkeypatch, a, minutes * 60)
    mine = add_patient(a, "a@clinic.test")
    with pytest.raises(ClockSkewError) as refused:
        a.sync()
    assert "clock" in refused.value.message.lower()
    assert str(theirs) not in ids_of(a)["users"]  # nothing pulled
    assert str(mine) not in live_ids(sync_server.database_url, clinic_of(a), "users")
    _code, out, _ = skinlab(capsys, a, "sync", "--status")
    assert "last error:" in out and "clock" in out.lower()
    assert "pending changes: 0" not in out  # the device keeps its changes for later


def test_changes_stamped_10_minutes_ahead_are_refused_and_kept(enrolled, sync_server, monkeypatch):
    """The clock was fixed after the capture: the token is fine, the change's stamps are not."""
    a = enrolled("kiosk-a")
    skew(monkeypatch, a, 600, token=False)
    mine = add_patient(a, "ahead@clinic.test")
    with pytest.raises(ClockSkewError, match="ahead of the server"):
        a.sync()
    assert str(mine) not in live_ids(sync_server.database_url, clinic_of(a), "users")
    assert a.ctx.sync.status().pending_changes > 0


def test_a_device_10_minutes_behind_refuses_what_it_pulls(enrolled, sync_server, monkeypatch):
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    theirs = add_patient(a, "now@clinic.test")
    a.sync()
    skew(monkeypatch, b, -600, token=False)
    cursor = state.read_all(b.db)[state.CURSOR]
    with pytest.raises(ClockSkewError, match="ahead of this device's clock"):
        b.sync()
    assert str(theirs) not in ids_of(b)["users"]
    assert state.read_all(b.db)[state.CURSOR] == cursor
    assert "ahead of this device's clock" in b.ctx.sync.status().last_error


# -- images ----------------------------------------------------------------------------------------
def test_an_image_damaged_on_the_server_is_never_stored(enrolled, sync_server):
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    patient = add_patient(a, "photo@clinic.test")
    add_analysis(a, patient, seed=71)
    add_analysis(a, patient, seed=72)
    a.sync()
    digests = sorted(ids_of(a)["images"])
    damaged = sync_server.blob_dir / clinic_of(a) / digests[0]
    damaged.write_bytes(b"\xff\xd8 not the photo")
    errors = try_sync(b, times=1)
    assert errors and "damaged" in errors[0]
    assert not b.ctx.images.exists(digests[0])
    assert "damaged" in b.ctx.sync.status().last_error
    assert str(patient) in ids_of(b)["users"]  # the rows merged
    assert all(b.ctx.images.exists(d) for d in digests[1:])  # and the other photos came


def test_a_photo_damaged_on_the_device_does_not_block_its_sync(enrolled):
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    patient = add_patient(a, "scratched@clinic.test")
    add_analysis(a, patient, seed=81)
    (digest, *_) = sorted(ids_of(a)["images"])
    path = a.ctx.images.path_for(digest)
    path.write_bytes(path.read_bytes()[:-100])  # a bad sector, a cut copy
    later = add_patient(a, "later@clinic.test")
    errors = try_sync(a)
    assert errors and "damaged" in errors[0]
    b.sync()
    assert {str(patient), str(later)} <= ids_of(b)["users"]


def test_a_photo_past_the_servers_limit_does_not_block_the_rest(
    sync_database, tmp_path, devices, clinic
):
    settings = ServerSettings(
        database_url=sync_database, blob_dir=tmp_path / "small-blobs", blob_limit=200_000
    )
    with serving(settings) as server:
        a, b = devices("kiosk-a"), devices("desk-b")
        for device in (a, b):
            device.enroll(server.url, enroll_code(server.database_url, clinic))
        patient = add_patient(a, "big@clinic.test")
        add_analysis(a, patient, seed=91, size=1536)  # about 0.4 MB
        later = add_patient(a, "later@clinic.test")
        errors = try_sync(a)
        assert errors and "limit" in errors[0].lower()
        b.sync()
        assert {str(patient), str(later)} <= ids_of(b)["users"]


# -- cursor and enrollment -------------------------------------------------------------------------
def test_a_cursor_from_the_future_makes_the_device_pull_again_from_zero(enrolled):
    """The server was restored from a backup older than the device's cursor."""
    a, b = enrolled("kiosk-a"), enrolled("desk-b")
    theirs = add_patient(b, "restored@clinic.test")
    sync_until_quiet(b, a, rounds=1)
    state.write(a.db, **{state.CURSOR: str(10**15)})
    a.sync()
    assert str(theirs) in ids_of(a)["users"]
    assert int(state.read_all(a.db)[state.CURSOR]) < 10**15


ENROLLMENT_KEYS = (state.SERVER_URL, state.DEVICE_ID, state.SERVER_ID, state.CLINIC_ID)


def _enroll(capsys, device, server_url: str, code: str, *extra: str) -> tuple[int, str, str]:
    return skinlab(
        capsys, device, "device", "enroll", "--server", server_url, "--code", code, *extra
    )


def test_one_code_enrolls_one_device(devices, sync_server, clinic, capsys):
    code = enroll_code(sync_server.database_url, clinic)
    first, second = devices("first"), devices("second")
    status, out, _ = _enroll(capsys, first, sync_server.url, code, "--name", "first")
    assert status == 0 and "enrolled as device" in out
    device_id = state.read_all(first.db)[state.DEVICE_ID]
    status, _, err = _enroll(capsys, first, sync_server.url, code)
    assert status == 1 and "already enrolled" in err
    # The answer was lost (the device stopped before recording it): the same code and key again.
    with first.db.write() as session:
        session.execute(delete(SyncState).where(SyncState.key.in_(ENROLLMENT_KEYS)))
    status, _, err = _enroll(capsys, first, sync_server.url, code)
    assert status == 0, err
    assert state.read_all(first.db)[state.DEVICE_ID] == device_id
    status, _, err = _enroll(capsys, second, sync_server.url, code)
    assert status == 1 and err.count("\n") == 1 and "already used" in err
    _, out, _ = skinlab(capsys, second, "sync", "--status")
    assert out.startswith("not enrolled")


def test_a_refused_re_enrollment_leaves_the_device_as_it_was(enrolled, sync_server, capsys):
    """``--force`` with a mistyped code is refused; the device keeps its key and keeps syncing."""
    a = enrolled("kiosk-a")
    status, _, err = _enroll(capsys, a, sync_server.url, "0000-0000-0000-0000", "--force")
    assert status == 1 and "not known" in err
    add_patient(a, "still@clinic.test")
    a.sync()


def test_an_expired_code_is_refused_on_the_device(devices, sync_server, clinic, capsys):
    code = enroll_code(sync_server.database_url, clinic)
    digest = code_hash(code)
    engine = create_engine(normalize_database_url(sync_server.database_url))
    with engine.begin() as conn:
        changed = conn.execute(
            text(
                "UPDATE enrollment_codes SET expires_at = now() - interval '1 minute' "
                "WHERE code_hash = :h"
            ),
            {"h": digest},
        ).rowcount
    engine.dispose()
    assert changed == 1
    device = devices("late")
    status, _, err = _enroll(capsys, device, sync_server.url, code)
    assert status == 1 and "expired" in err.lower()
    assert state.enrollment(device.db) is None


def test_a_revoked_device_comes_back_with_a_new_code(enrolled, sync_server, clinic, capsys):
    """docs/server.md: 'To bring it back, enroll it again with a new code.'"""
    a = enrolled("kiosk-a")
    old_id = state.read_all(a.db)[state.DEVICE_ID]
    revoke_device(sync_server.database_url, old_id)
    assert "revoked" in " ".join(try_sync(a, times=1)).lower()
    code = enroll_code(sync_server.database_url, clinic)
    status, _, err = _enroll(capsys, a, sync_server.url, code, "--force")
    assert status == 0, err
    assert state.read_all(a.db)[state.DEVICE_ID] != old_id
    add_patient(a, "back@clinic.test")
    a.sync()
