"""The staff PIN at the kiosk: a limited number of tries with a growing delay, every failure audited.

Who may: whoever knows the PIN set with ``skinlab kiosk set-pin`` (staff). A visitor guessing gets
:data:`MAX_TRIES` tries, each after a delay that doubles (1, 2, 4, 8 seconds), then the staff screen
is locked for ``lockout_minutes`` (the accounts' lock-out setting). The count and the time of the
next allowed try live in ``kiosk.json``, so the idle reset or a restart gives no new tries. A PIN
shorter than :data:`~app.kiosk.config.MIN_PIN_DIGITS` is never accepted, even one an older version
stored: set a new one. Every failure, lock and success is written to the audit chain.

The lock is not a denial of service: staff type the 24-digit unlock code (``skinlab kiosk
unlock-code``) on the same pad, and it opens the staff screen and lifts the lock at once. The code
has 80 bits of chance in it, so it needs no lock of its own: a wrong code costs a pause of
:data:`UNLOCK_PAUSE_SECONDS` (a visitor typing codes can hold staff up by that much, no more), and
every use and failure is audited. It counts for nothing towards the PIN's tries, nor they to it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.kiosk.config import MIN_PIN_DIGITS, KioskConfigStore, KioskFile
from core.audit import actions
from core.errors import PermissionDeniedError
from core.storage.database import Database
from core.storage.repositories import audit
from ui.kiosk.ports import MAX_PIN_DIGITS, UNLOCK_CODE_DIGITS

MAX_TRIES = 5
FIRST_DELAY_SECONDS = 1.0
UNLOCK_PAUSE_SECONDS = 2.0


class WrongPinError(PermissionDeniedError):
    code = "wrong_pin"


class PinLockedError(PermissionDeniedError):
    code = "pin_locked"


class PinTooSoonError(PermissionDeniedError):
    code = "pin_too_soon"


class NoPinError(PermissionDeniedError):
    code = "no_pin"


class WrongUnlockCodeError(PermissionDeniedError):
    code = "wrong_unlock_code"


class NoUnlockCodeError(PermissionDeniedError):
    code = "no_unlock_code"


def delay_after(failures: int) -> float:
    """Seconds before the next try after ``failures`` wrong PINs in a row (1, 2, 4, 8...)."""
    return FIRST_DELAY_SECONDS * float(2 ** max(0, failures - 1))


class PinGuard:
    def __init__(
        self,
        store: KioskConfigStore,
        database: Database,
        *,
        lockout_minutes: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.database = database
        self.lockout_minutes = lockout_minutes
        self.clock = clock
        self._lock = threading.Lock()

    def check(self, pin: str) -> None:
        """Return if ``pin`` is the staff PIN; otherwise a typed error that says what to do."""
        with self._lock:
            saved = self.store.load()
            now = self.clock()
            if len(pin) == UNLOCK_CODE_DIGITS and pin.isdigit():
                self._unlock(saved, now, pin)
                return
            if saved.pin_wait_until is not None and now < saved.pin_wait_until:
                self._refuse_early(saved, now)
            if not saved.pin_hash:
                self._audit(actions.KIOSK_PIN_FAILED, reason="no_pin", failures=0)
                raise NoPinError("No staff PIN is set. Set one with: skinlab kiosk set-pin")
            well_formed = pin.isdigit() and MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS
            if well_formed and self.store.pin_matches(pin):
                self.store.save(replace(saved, pin_failures=0, pin_wait_until=None))
                self._audit(actions.KIOSK_PIN_ACCEPTED)
                return
            self._fail(saved, now, reason="wrong" if well_formed else "malformed")

    def _unlock(self, saved: KioskFile, now: float, code: str) -> None:
        """The unlock code: open the staff screen and lift the PIN's lock, whatever its state."""
        if saved.unlock_wait_until is not None and now < saved.unlock_wait_until:
            self._audit(actions.KIOSK_UNLOCK_CODE_FAILED, reason="too_soon")
            left = math.ceil(saved.unlock_wait_until - now)
            raise PinTooSoonError(f"Please wait {left} s before trying again.")
        if not saved.unlock_hash:
            self._audit(actions.KIOSK_UNLOCK_CODE_FAILED, reason="no_unlock_code")
            raise NoUnlockCodeError(
                "No unlock code is set for this kiosk. Make one with: skinlab kiosk unlock-code"
            )
        if not self.store.unlock_code_matches(code):
            wait = now + UNLOCK_PAUSE_SECONDS
            self.store.save(replace(saved, unlock_wait_until=wait))
            self._audit(actions.KIOSK_UNLOCK_CODE_FAILED, reason="wrong")
            raise WrongUnlockCodeError("That unlock code is not right.")
        was_locked = saved.pin_wait_until is not None and now < saved.pin_wait_until
        self.store.save(replace(saved, pin_failures=0, pin_wait_until=None, unlock_wait_until=None))
        self._audit(actions.KIOSK_UNLOCK_CODE_ACCEPTED, lifted_lock=was_locked)

    def _refuse_early(self, saved: KioskFile, now: float) -> None:
        assert saved.pin_wait_until is not None
        left = saved.pin_wait_until - now
        locked = saved.pin_failures == 0  # a lock resets the count; a delay follows a failure
        self._audit(
            actions.KIOSK_PIN_FAILED,
            reason="locked" if locked else "too_soon",
            failures=saved.pin_failures,
        )
        if locked:
            raise PinLockedError(_locked(left, unlock_code=bool(saved.unlock_hash)))
        raise PinTooSoonError(f"Please wait {math.ceil(left)} s before trying again.")

    def _fail(self, saved: KioskFile, now: float, *, reason: str) -> None:
        failures = saved.pin_failures + 1
        if failures >= MAX_TRIES:
            seconds = self.lockout_minutes * 60.0
            self.store.save(replace(saved, pin_failures=0, pin_wait_until=now + seconds))
            self._audit(actions.KIOSK_PIN_FAILED, reason=reason, failures=failures)
            self._audit(actions.KIOSK_PIN_LOCKED, minutes=self.lockout_minutes)
            raise PinLockedError(_locked(seconds, unlock_code=bool(saved.unlock_hash)))
        wait = delay_after(failures)
        self.store.save(replace(saved, pin_failures=failures, pin_wait_until=now + wait))
        self._audit(actions.KIOSK_PIN_FAILED, reason=reason, failures=failures)
        left = MAX_TRIES - failures
        raise WrongPinError(f"Wrong PIN. {left} {'try' if left == 1 else 'tries'} left.")

    def _audit(self, action: str, **details: Any) -> None:
        with self.database.write() as session:
            audit.record(session, action, target_type="kiosk", details=details)


def _locked(seconds: float, *, unlock_code: bool) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    message = (
        f"Too many wrong PINs. The staff screen is locked for {minutes} "
        f"minute{'s' if minutes != 1 else ''}."
    )
    if unlock_code:
        message += f" Staff: enter the {UNLOCK_CODE_DIGITS}-digit unlock code to open it now."
    return message
