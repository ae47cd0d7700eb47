"""The desktop's editable settings: ``desktop.json`` in the data directory.

``settings.toml`` and ``SKINLAB_*`` stay read-only (an installer or IT sets them); what an
administrator changes from the Administration page is kept in this small file, in the same way as
the kiosk keeps its own in ``kiosk.json`` (atomic write, unknown keys ignored, an unreadable file
read as empty). At start the desktop lays it over the settings (:func:`with_desktop_file`). The
kiosk's own choices (its camera and idle time) stay in ``kiosk.json``, which a kiosk on this data
directory reads, so the two screens never keep two copies of one setting.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from core.config import Settings
from core.errors import StorageError
from core.locations import DESKTOP_FILE

log = logging.getLogger(__name__)
FILE_NAME: Final = DESKTOP_FILE


@dataclass(frozen=True)
class DesktopFile:
    clinic_name: str | None = None
    clinic_logo: str | None = None
    idle_lock_minutes: int | None = None
    retention_days: int | None = None
    keep_forever: bool | None = None
    """True: the administrator chose no retention limit (overrides ``retention_days`` of the
    settings); None: the settings decide."""


class DesktopConfigStore:
    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.data_dir) / FILE_NAME

    def load(self) -> DesktopFile:
        try:
            raw: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return DesktopFile()
        except (OSError, ValueError) as exc:
            log.warning("Ignoring the unreadable desktop settings %s: %s", self.path, exc)
            return DesktopFile()
        if not isinstance(raw, dict):
            return DesktopFile()
        known = set(DesktopFile.__dataclass_fields__)
        return DesktopFile(**{k: v for k, v in raw.items() if k in known})

    def save(self, data: DesktopFile) -> None:
        """Atomic: a machine switched off mid-save keeps its previous settings."""
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".desktop-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(data), handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            tmp = None
        except OSError as exc:
            raise StorageError(f"The settings cannot be saved ({exc.strerror or exc})") from exc
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def with_desktop_file(settings: Settings) -> Settings:
    """``settings`` with the administrator's choices from ``desktop.json`` laid over them."""
    saved = DesktopConfigStore(settings).load()
    changes: dict[str, Any] = {}
    if saved.clinic_name:
        changes["clinic_name"] = saved.clinic_name
    if saved.clinic_logo:
        changes["clinic_logo"] = Path(saved.clinic_logo)
    if saved.idle_lock_minutes:
        changes["desktop_idle_lock_minutes"] = saved.idle_lock_minutes
    if saved.keep_forever:
        changes["retention_days"] = None
    elif saved.retention_days:
        changes["retention_days"] = saved.retention_days
    return settings.model_copy(update=changes) if changes else settings
