"""The kiosk's own settings, changed from its admin screen: ``kiosk.json`` in the data directory.

Settings are read-only (``settings.toml`` and ``SKINLAB_*``), but an admin at the kiosk must be able
to change the camera, idle time, clinic name and logo there; this file overlays those on
the settings, and holds the admin PIN's hash (argon2id, like passwords), never the PIN itself, with
the count of wrong PINs and when the next try is allowed (:mod:`app.kiosk.pin`), so that neither a
reset nor a restart gives a guesser new tries. It also holds the hash of the staff unlock code
(``skinlab kiosk unlock-code``): 24 random digits that open the staff screen while the PIN is
locked, so that a visitor who enters five wrong PINs cannot lock staff out.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from core.auth.passwords import CONTEXT
from core.config import Settings
from core.errors import StorageError, ValidationError
from core.locations import KIOSK_FILE
from ui.kiosk.ports import MAX_PIN_DIGITS, UNLOCK_CODE_DIGITS

log = logging.getLogger(__name__)
FILE_NAME = KIOSK_FILE
MIN_PIN_DIGITS = 6
"""A million PINs: with 5 tries per lock period a guesser needs years (see app.kiosk.pin)."""


class PinRulesError(ValidationError):
    code = "pin_rules"


def check_pin_rules(pin: str) -> None:
    if not pin.isdigit() or not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise PinRulesError(
            f"The staff PIN must be {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits (0-9 only)."
        )


@dataclass(frozen=True)
class KioskFile:
    camera: str | None = None
    idle_seconds: int | None = None
    clinic_name: str | None = None
    clinic_logo: str | None = None
    pin_hash: str | None = None
    pin_failures: int = 0
    """Wrong PINs since the last right one or the last lock."""
    pin_wait_until: float | None = None
    """No PIN is checked before this time (seconds since the epoch): the growing delay or the lock."""
    unlock_hash: str | None = None
    """The staff unlock code's hash (argon2id); None until ``skinlab kiosk unlock-code``."""
    unlock_wait_until: float | None = None
    """No unlock code is checked before this time: a short pause after a wrong one, never a lock."""


class KioskConfigStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = Path(settings.data_dir) / FILE_NAME

    def load(self) -> KioskFile:
        try:
            raw: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return KioskFile()
        except (OSError, ValueError) as exc:
            log.warning("Ignoring the unreadable kiosk settings %s: %s", self.path, exc)
            return KioskFile()
        if not isinstance(raw, dict):
            return KioskFile()
        known = set(KioskFile.__dataclass_fields__)
        return KioskFile(**{k: v for k, v in raw.items() if k in known})

    def save(self, data: KioskFile) -> None:
        """Atomic write: a kiosk switched off mid-save keeps its previous settings."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".kiosk-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(data), handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StorageError(
                f"The kiosk settings cannot be saved ({exc.strerror or exc})"
            ) from exc

    def set_pin(self, pin: str) -> None:
        """A new PIN (see :func:`check_pin_rules`) clears any lock."""
        check_pin_rules(pin)
        current = self.load()
        self.save(
            replace(current, pin_hash=str(CONTEXT.hash(pin)), pin_failures=0, pin_wait_until=None)
        )

    def pin_matches(self, pin: str) -> bool:
        return _matches(pin, self.load().pin_hash)

    def new_unlock_code(self) -> str:
        """A new random staff unlock code (returned once, stored hashed); the old one stops working."""
        code = f"{secrets.randbelow(10**UNLOCK_CODE_DIGITS):0{UNLOCK_CODE_DIGITS}d}"
        current = self.load()
        self.save(replace(current, unlock_hash=str(CONTEXT.hash(code)), unlock_wait_until=None))
        return code

    def unlock_code_matches(self, code: str) -> bool:
        return _matches(code, self.load().unlock_hash)


def _matches(secret: str, stored: str | None) -> bool:
    if not stored or not secret:
        return False
    try:
        return bool(CONTEXT.verify(secret, stored))
    except (ValueError, TypeError):
        return False
