"""The staff unlock code (``app.kiosk.pin``): five wrong PINs lock the pad, but staff who hold the
24-digit code open the staff screen at once, so a visitor cannot lock staff out. Who may: whoever
holds the code (staff; it is printed once by ``skinlab kiosk unlock-code`` and stored hashed).
Someone else cannot: a wrong code is refused, paused, audited, and never counts as a PIN try."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.context import AppContext
from app.kiosk.config import KioskConfigStore
from app.kiosk.pin import (
    MAX_TRIES,
    UNLOCK_PAUSE_SECONDS,
    NoUnlockCodeError,
    PinGuard,
    PinLockedError,
    PinTooSoonError,
    WrongPinError,
    WrongUnlockCodeError,
    delay_after,
)
from core.audit import actions
from core.config import load_settings
from core.errors import PermissionDeniedError
from core.storage.models import AuditEvent
from core.storage.repositories.audit import verify_database

PIN = "246810"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = AppContext(load_settings(data_dir=tmp_path / "data"))
    yield context
    context.close()


@pytest.fixture
def store(ctx: AppContext) -> KioskConfigStore:
    ctx.paths  # noqa: B018
    kiosk = KioskConfigStore(ctx.settings)
    kiosk.set_pin(PIN)
    return kiosk


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def guard(ctx: AppContext, store: KioskConfigStore, clock: Clock) -> PinGuard:
    return PinGuard(store, ctx.database, lockout_minutes=15, clock=clock)


def _lock(guard: PinGuard, clock: Clock) -> PinLockedError:
    for failure in range(1, MAX_TRIES + 1):
        try:
            guard.check(f"00000{failure}")
        except PinLockedError as locked:
            assert failure == MAX_TRIES
            return locked
        except WrongPinError:
            clock.now += delay_after(failure)
    raise AssertionError("the pad did not lock")


def _events(ctx: AppContext, prefix: str) -> list[tuple[str, dict[str, object]]]:
    with ctx.database.read() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like(f"{prefix}%"))
            .order_by(AuditEvent.chain_seq)
        ).all()
        return [(e.action, dict(e.details)) for e in rows]


def test_the_code_opens_a_locked_pad_and_lifts_the_lock(
    ctx: AppContext, store: KioskConfigStore, guard: PinGuard, clock: Clock
) -> None:
    code = store.new_unlock_code()
    assert len(code) == 24 and code.isdigit()
    locked = _lock(guard, clock)
    assert "enter the 24-digit unlock code to open it now" in str(locked)
    with pytest.raises(PinLockedError):
        guard.check(PIN)  # the right PIN still waits out the lock
    guard.check(code)  # no error: the staff screen opens
    guard.check(PIN)  # and the lock is gone for the PIN too
    assert _events(ctx, "kiosk_unlock_code") == [
        (actions.KIOSK_UNLOCK_CODE_ACCEPTED, {"lifted_lock": True})
    ]
    assert verify_database(ctx.database).ok


def test_a_wrong_code_is_refused_paused_audited_and_is_no_pin_try(
    ctx: AppContext, store: KioskConfigStore, guard: PinGuard, clock: Clock
) -> None:
    code = store.new_unlock_code()
    wrong = f"{(int(code) + 1) % 10**24:024d}"
    with pytest.raises(WrongPinError):
        guard.check("000001")  # one wrong PIN: 4 tries left
    clock.now += delay_after(1)
    with pytest.raises(WrongUnlockCodeError, match="not right") as refused:
        guard.check(wrong)
    assert refused.value.code == "wrong_unlock_code"
    assert isinstance(refused.value, PermissionDeniedError)
    with pytest.raises(PinTooSoonError, match="wait 2 s"):
        guard.check(code)  # even the right code waits out the pause
    clock.now += UNLOCK_PAUSE_SECONDS
    with pytest.raises(WrongPinError, match="3 tries left"):
        guard.check("000002")  # the codes did not use up PIN tries
    guard.check(code)
    assert [(a, d.get("reason")) for a, d in _events(ctx, "kiosk_unlock_code")] == [
        (actions.KIOSK_UNLOCK_CODE_FAILED, "wrong"),
        (actions.KIOSK_UNLOCK_CODE_FAILED, "too_soon"),
        (actions.KIOSK_UNLOCK_CODE_ACCEPTED, None),
    ]
    details = json.dumps([d for _, d in _events(ctx, "kiosk_")])
    assert code not in details and wrong not in details


def test_without_a_code_the_lock_holds_and_says_nothing_of_one(
    ctx: AppContext, guard: PinGuard, clock: Clock
) -> None:
    locked = _lock(guard, clock)
    assert str(locked) == "Too many wrong PINs. The staff screen is locked for 15 minutes."
    with pytest.raises(NoUnlockCodeError, match="skinlab kiosk unlock-code") as refused:
        guard.check("1" * 24)
    assert refused.value.code == "no_unlock_code"
    with pytest.raises(PinLockedError):
        guard.check(PIN)
    assert _events(ctx, "kiosk_unlock_code") == [
        (actions.KIOSK_UNLOCK_CODE_FAILED, {"reason": "no_unlock_code"})
    ]


def test_a_new_code_replaces_the_old_and_only_its_hash_is_kept(
    store: KioskConfigStore, guard: PinGuard, clock: Clock
) -> None:
    old = store.new_unlock_code()
    new = store.new_unlock_code()
    assert old != new
    saved = store.path.read_text()
    assert old not in saved and new not in saved
    assert json.loads(saved)["unlock_hash"].startswith("$argon2id$")
    with pytest.raises(WrongUnlockCodeError):
        guard.check(old)
    clock.now += UNLOCK_PAUSE_SECONDS
    guard.check(new)


@pytest.mark.parametrize("entry", ["1" * 23, "1" * 13, "12345678901234567890123x"])
def test_other_lengths_are_wrong_pins_not_codes(
    store: KioskConfigStore, guard: PinGuard, entry: str
) -> None:
    store.new_unlock_code()
    with pytest.raises(WrongPinError, match="4 tries left"):
        guard.check(entry)
