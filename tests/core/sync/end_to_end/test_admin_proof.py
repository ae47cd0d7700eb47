"""Administrator changes need a person's online sign-in, and are never lost waiting for one: through
the real server, a device holds such a change until the person it acts for proves an online
sign-in here, says so in ``skinlab sync --status``, and does not send it again before then."""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import create_engine, text

import app.cli
from core.errors import SkinLabError
from core.privacy.actor import DEVICE_OWNER, Actor
from core.privacy.erasure import erase_patient
from core.storage.models import User
from core.storage.repositories import users
from core.sync import grants
from server.config import normalize_database_url
from tests.helpers.server import ADMIN_PASSWORD, make_admin
from tests.helpers.sync.checks import clinic_of
from tests.helpers.sync.world import add_patient, sync_until_quiet

pytestmark = pytest.mark.postgres


def skinlab(capsys, device, *args: str) -> tuple[int, str]:
    code = app.cli.main(["--data-dir", str(device.data_dir), *args])
    return code, capsys.readouterr().out


def refusals_on_server(database_url: str, clinic_id: str, target: uuid.UUID) -> int:
    engine = create_engine(normalize_database_url(database_url))
    try:
        with engine.connect() as conn:
            return int(
                conn.scalar(
                    text(
                        "SELECT count(*) FROM records WHERE clinic_id = :c AND entity = "
                        "'audit_events' AND fields->>'action' = 'sync_change_refused' "
                        "AND fields->>'target_id' = :t"
                    ),
                    {"c": clinic_id, "t": str(target)},
                )
            )
    finally:
        engine.dispose()


def _exists(device, user_id: uuid.UUID) -> bool:
    with device.db.read() as session:
        return session.get(User, user_id) is not None


def test_an_erasure_waits_for_its_administrators_online_sign_in_then_reaches_every_device(
    enrolled, sync_server, capsys, monkeypatch
):
    kiosk, desk = enrolled("kiosk", role="kiosk"), enrolled("desk")
    boss = make_admin(sync_server.database_url, desk.ctx.sync.status().clinic_name)
    patient = add_patient(kiosk, "wait@clinic.test")
    sync_until_quiet(kiosk, desk, rounds=1)
    erase_patient(
        desk.db,
        desk.ctx.images,
        actor=Actor("admin", uuid.UUID(boss)),
        user_id=patient,
        erasure_log=desk.ctx.erasure_log,
    )
    code, out = skinlab(capsys, desk, "sync", "--once")
    assert code == 0 and "1 wait for an administrator's online sign-in" in out
    kiosk.sync()
    assert _exists(kiosk, patient)  # refused by the server: applied nowhere
    desk.sync()  # no new proof: the change is not sent (and refused and audited) again
    clinic = clinic_of(desk)
    assert refusals_on_server(sync_server.database_url, clinic, patient) == 1
    _, out = skinlab(capsys, desk, "sync", "--status")
    assert "waiting:         1 changes wait for an administrator's online sign-in" in out
    assert "conflicts:       0" in out  # held, not set aside

    # A wrong password: refused, noted, nothing sent.
    monkeypatch.setattr("sys.stdin", io.StringIO("not the password\n"))
    assert skinlab(capsys, desk, "device", "sign-in", "--user", boss)[0] != 0
    assert grants.current(desk.db) is None
    _, out = skinlab(capsys, desk, "sync", "--status")
    assert "sign-in proof:   none (Wrong user or password" in out

    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    code, out = skinlab(capsys, desk, "device", "sign-in", "--user", boss)
    assert code == 0 and f"signed in online as {boss}" in out
    sync_until_quiet(desk, kiosk, rounds=1)
    assert not _exists(kiosk, patient)
    _, out = skinlab(capsys, desk, "sync", "--status")
    assert "waiting:" not in out and f"signed in:       {boss}" in out
    assert skinlab(capsys, desk, "device", "sign-out")[0] == 0
    assert grants.current(desk.db) is None


def test_a_held_change_goes_only_under_the_proof_of_the_admin_who_made_it(enrolled, sync_server):
    desk, front, room = enrolled("desk"), enrolled("front", role="workstation"), enrolled("room")
    clinic_name = desk.ctx.sync.status().clinic_name
    boss = uuid.UUID(make_admin(sync_server.database_url, clinic_name))
    other = make_admin(sync_server.database_url, clinic_name)
    patient = add_patient(desk, "soon-staff@clinic.test")
    sync_until_quiet(desk, front, room, rounds=1)
    front.ctx.auth.set_role("soon-staff@clinic.test", "clinician", actor_id=boss)

    assert front.sync().waiting == 1  # boss is named, but has not signed in online here
    front.ctx.sync.prove_sign_in(other, ADMIN_PASSWORD)
    assert front.sync().waiting == 1  # another admin's proof: sent once more, refused, held
    assert front.sync().waiting == 1  # and not sent again under that same proof
    with pytest.raises(SkinLabError):
        front.ctx.sync.prove_sign_in(str(boss), "wrong")
    front.ctx.sync.prove_sign_in(str(boss), ADMIN_PASSWORD)
    assert front.sync().waiting == 0
    room.sync()
    with room.db.read() as session:
        promoted = users.get(session, patient)
        assert promoted is not None and promoted.role == "clinician"
    clinic = clinic_of(front)
    assert refusals_on_server(sync_server.database_url, clinic, patient) == 2


def test_a_change_made_with_no_one_signed_in_is_never_sent_in_an_administrators_name(
    enrolled, sync_server
):
    """The review's attack: an erasure made with no one signed in (an older command line, or
    anyone at the device's OS account) once went out in the name of whichever administrator's
    proof the device held next. It names no one now: the server refuses it, the device sets it
    aside as a conflict that says what to do, and no later proof sends it."""
    desk, kiosk = enrolled("desk"), enrolled("kiosk", role="kiosk")
    boss = desk.sign_in_online(sync_server.database_url)
    patient = add_patient(kiosk, "leaving@clinic.test")
    sync_until_quiet(kiosk, desk, rounds=1)
    erase_patient(
        desk.db, desk.ctx.images, actor=DEVICE_OWNER, user_id=patient,
        erasure_log=desk.ctx.erasure_log,
    )  # fmt: skip
    report = desk.sync()
    assert report.waiting == 0
    (refused,) = report.rejected
    assert "made with no one signed in" in refused
    assert desk.ctx.sync.status().conflicts == 1
    kiosk.sync()
    assert _exists(kiosk, patient)
    desk.ctx.sync.prove_sign_in(boss, ADMIN_PASSWORD)  # a new proof sends nothing again
    assert desk.sync().pushed == 0
    kiosk.sync()
    assert _exists(kiosk, patient)


def test_a_waiting_administrator_change_survives_a_clinicians_sign_in(enrolled, sync_server):
    """Finding 6: a clinician's proof once took over a waiting change (named the clinician, was
    refused for good); it now stays the administrator's and waits for them."""
    desk, room = enrolled("desk"), enrolled("room")
    clinic_name = desk.ctx.sync.status().clinic_name
    boss = uuid.UUID(make_admin(sync_server.database_url, clinic_name))
    add_patient(desk, "soon-staff@clinic.test")
    deputy = desk.sign_in_online(sync_server.database_url)  # another admin registers a clinician
    desk.ctx.auth.register(
        email="doc@clinic.test", first_name="Doc", last_name="Tor", role="clinician",
        password=ADMIN_PASSWORD, actor_id=uuid.UUID(deputy),
    )  # fmt: skip
    sync_until_quiet(desk, room, rounds=1)
    desk.ctx.sync.forget_sign_in()
    desk.ctx.auth.set_role("soon-staff@clinic.test", "clinician", actor_id=boss)
    assert desk.sync().waiting == 1
    desk.ctx.sync.prove_sign_in("doc@clinic.test", ADMIN_PASSWORD)
    report = desk.sync()
    assert (report.waiting, report.rejected) == (1, [])
    assert desk.ctx.sync.status().conflicts == 0
    desk.ctx.sync.prove_sign_in(str(boss), ADMIN_PASSWORD)
    assert desk.sync().waiting == 0
    room.sync()
    with room.db.read() as session:
        promoted = users.get_by_email(session, "soon-staff@clinic.test")
        assert promoted is not None and promoted.role == "clinician"
