"""Administrator changes at the command line, on a device that syncs, are made in the name of an
administrator signed in online here, when they are made (through the real server on PostgreSQL);
without one they are refused with what to do, and nothing is written. A standalone device keeps
its local behaviour (tests/app/cli/test_cli.py)."""

from __future__ import annotations

import io
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from core.storage.models import SyncOutbox, User
from core.storage.repositories import users
from core.sync import grants
from tests.helpers.server import ADMIN_PASSWORD, ServerHandle, make_admin
from tests.helpers.sync.world import DeviceDir, add_patient, enroll_code, open_device

pytestmark = pytest.mark.postgres
BOSS, CLERK, PATIENT = "boss@clinic.org", "clerk@clinic.org", "pat@clinic.org"


@pytest.fixture
def clinic() -> str:
    return f"Clinic {uuid.uuid4().hex[:8]}"


@pytest.fixture
def device(server: ServerHandle, clinic: str, tmp_path: Path) -> Iterator[Callable[..., DeviceDir]]:
    made: list[DeviceDir] = []

    def make(name: str, role: str = "workstation") -> DeviceDir:
        dev = open_device(tmp_path, name)
        dev.enroll(server.url, enroll_code(server.database_url, clinic, role=role))
        made.append(dev)
        return dev

    yield make
    for dev in made:
        dev.close()


@pytest.fixture
def desk(server: ServerHandle, clinic: str, device) -> DeviceDir:
    """A workstation that knows the clinic's administrator, a clinician and a patient."""
    desk = device("desk")  # the clinic exists from its first enrollment
    make_admin(server.database_url, clinic, email=BOSS)
    make_admin(server.database_url, clinic, email=CLERK)
    desk.sync()
    desk.ctx.sync.prove_sign_in(BOSS, ADMIN_PASSWORD)
    desk.ctx.auth.set_role(CLERK, "clinician", actor_id=_id(desk, BOSS))
    add_patient(desk, PATIENT)
    desk.sync()
    desk.ctx.sync.forget_sign_in()
    return desk


def skinlab(capsys, monkeypatch, dev: DeviceDir, *args: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(dev.data_dir), *args])
    out, err = capsys.readouterr()
    return code, out + err


def _id(dev: DeviceDir, email: str) -> uuid.UUID:
    with dev.db.read() as session:
        user = users.get_by_email(session, email)
        assert user is not None
        return user.user_id


def _user(dev: DeviceDir, email: str) -> User:
    with dev.db.read() as session:
        user = users.get_by_email(session, email)
        assert user is not None
        session.expunge(user)
        return user


def _outbox(dev: DeviceDir) -> list[tuple[str, str | None]]:
    with dev.db.read() as session:
        return [(r.op, r.actor_id) for r in session.scalars(select(SyncOutbox))]


ADMIN_COMMANDS = [
    ("users", "set-role", "--email", CLERK, "--role", "admin"),
    ("users", "deactivate", "--email", CLERK),
    ("patient", "erase", "--email", PATIENT),
    ("patient", "withdraw-consent", "--email", PATIENT, "--choice", "erase-all"),
]


@pytest.mark.parametrize("command", ADMIN_COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_with_no_administrator_signed_in_online_nothing_is_changed(
    capsys, monkeypatch, desk, command
):
    code, text = skinlab(capsys, monkeypatch, desk, *command)
    assert code == 1
    assert "needs an administrator signed in online" in text
    assert "skinlab device sign-in --user" in text and "--admin" in text
    assert _user(desk, CLERK).role == "clinician" and _user(desk, CLERK).is_active
    assert _user(desk, PATIENT)  # not erased
    assert _outbox(desk) == []


def test_a_staff_account_needs_an_administrator_too(capsys, monkeypatch, desk):
    args = ("users", "add", "--email", "new@clinic.org", "--first-name", "N", "--last-name", "W")
    code, text = skinlab(capsys, monkeypatch, desk, *args, "--role", "clinician", stdin="pw\n")
    assert code == 1 and "needs an administrator signed in online" in text
    # A patient's account needs no one (a kiosk registers patients too).
    code, _ = skinlab(capsys, monkeypatch, desk, *args, "--role", "patient", stdin="a password\n")
    assert code == 0


def test_the_administrator_signs_in_for_the_change_which_goes_in_their_name(
    capsys, monkeypatch, desk, device
):
    command = ("users", "set-role", "--email", CLERK, "--role", "admin", "--admin", BOSS)
    code, text = skinlab(capsys, monkeypatch, desk, *command, stdin=ADMIN_PASSWORD + "\n")
    assert code == 0, text
    boss = str(_id(desk, BOSS))
    assert ("upsert", boss) in _outbox(desk)
    assert desk.sync().rejected == []
    elsewhere = device("room")
    elsewhere.sync()
    assert _user(elsewhere, CLERK).role == "admin"


def test_a_held_proof_of_an_administrator_serves_and_the_erasure_reaches_every_device(
    capsys, monkeypatch, desk, device
):
    room = device("room")
    room.sync()
    code, _ = skinlab(capsys, monkeypatch, desk, "device", "sign-in", "--user", BOSS,
                      stdin=ADMIN_PASSWORD + "\n")  # fmt: skip
    assert code == 0
    code, text = skinlab(capsys, monkeypatch, desk, "patient", "erase", "--email", PATIENT)
    assert code == 0, text
    assert [actor for op, actor in _outbox(desk) if op == "delete"] == [str(_id(desk, BOSS))]
    desk.sync()
    room.sync()
    with room.db.read() as session:
        assert users.get_by_email(session, PATIENT) is None


def test_a_clinicians_proof_is_not_an_administrators(capsys, monkeypatch, desk):
    assert desk.ctx.sync.prove_sign_in(CLERK, ADMIN_PASSWORD).user_id
    code, text = skinlab(capsys, monkeypatch, desk, "users", "deactivate", "--email", PATIENT)
    assert code == 1 and f"is {CLERK}'s, who is not an active administrator" in text
    assert _outbox(desk) == []


def test_a_wrong_password_changes_nothing(capsys, monkeypatch, desk):
    command = ("users", "set-role", "--email", CLERK, "--role", "admin", "--admin", BOSS)
    code, text = skinlab(capsys, monkeypatch, desk, *command, stdin="not it\n")
    assert code == 1 and "Wrong user or password" in text
    assert _user(desk, CLERK).role == "clinician" and grants.current(desk.db) is None


def test_a_kiosk_makes_no_administrator_change(capsys, monkeypatch, device):
    kiosk = device("lobby", role="kiosk")
    add_patient(kiosk, PATIENT)
    code, text = skinlab(capsys, monkeypatch, kiosk, "patient", "erase", "--email", PATIENT)
    assert code == 1 and "This device is a kiosk" in text
    assert _user(kiosk, PATIENT)
