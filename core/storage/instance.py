"""Who else uses this data directory: advisory file locks shared by every SkinLab process.

Every process that opens the database holds ``.skinlab.lock`` shared. The first one to start alone
gets it exclusively for a moment: only then may it rewrite files an older SkinLab left (encrypting
them, core/storage/at_rest.py) or sweep files that another process could be writing (half-written
or orphan photos). A window (kiosk or desktop) also holds ``.window.lock``
exclusively, so a second window on the same data directory says so and exits instead of fighting
the first over the camera and the database. POSIX ``flock``; on Windows the locks are skipped and
nothing is swept.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import IO

from core.errors import DataDirBusyError

try:
    import fcntl
except ImportError:  # pragma: no cover  (Windows)
    fcntl = None  # type: ignore[assignment]

PROCESS_LOCK = ".skinlab.lock"
WINDOW_LOCK = ".window.lock"
# SQLite's unix VFS: every connection to a WAL database holds a read lock on this byte of its
# "-shm" file (the "DMS" lock) for as long as it is open, whichever program opened it.
_SHM_DMS_BYTE = 128


def _try(handle: IO[str], operation: int) -> bool:
    assert fcntl is not None
    try:
        fcntl.flock(handle.fileno(), operation | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def sqlite_open_elsewhere(path: Path) -> bool:
    """Whether another process has the SQLite database ``path`` (in WAL mode) open: true for a
    SkinLab too old to take :data:`PROCESS_LOCK`, which the process lock cannot see.

    Call it only while this process has no connection to ``path``: closing the probe's descriptor
    drops every POSIX lock this process holds on the file, SQLite's own included.
    """
    if fcntl is None:
        return False
    try:
        fd = os.open(f"{path}-shm", os.O_RDWR)
    except OSError:  # no "-shm": nobody has it open in WAL mode
        return False
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


class ProcessLock:
    """The shared lock of one process; ``alone`` says whether it started with no other user, and
    ``exclusive`` whether it still holds the lock alone (until :meth:`share`). ``enforced`` is False
    where there are no locks (Windows): there nobody is known to be alone, or known not to be."""

    def __init__(self, root: Path, *, wait_seconds: float = 30.0) -> None:
        self.alone = False
        self.exclusive = False
        self.enforced = fcntl is not None
        self._handle: IO[str] | None = None
        if fcntl is None:
            return
        handle = open(root / PROCESS_LOCK, "a+", encoding="utf-8")  # noqa: SIM115  (held open)
        self._handle = handle
        if _try(handle, fcntl.LOCK_EX):
            self.alone = self.exclusive = True
            return
        deadline = time.monotonic() + wait_seconds
        while not _try(handle, fcntl.LOCK_SH):  # another process is sweeping: seconds at most
            if time.monotonic() > deadline:
                self.close()
                raise DataDirBusyError(
                    f"The data directory {root} is held by another SkinLab process that is "
                    "starting up; try again in a minute."
                )
            time.sleep(0.05)

    def share(self) -> None:
        """End the exclusive moment: other processes may start now."""
        if self._handle is not None and self.exclusive:
            assert fcntl is not None
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_SH)
            self.exclusive = False

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file releases its lock
            self._handle = None
        self.exclusive = False


class WindowLock:
    """Held by the one kiosk or desktop window of a data directory."""

    def __init__(self, root: Path) -> None:
        self._handle: IO[str] | None = None
        if fcntl is None:
            return
        handle = open(root / WINDOW_LOCK, "a+", encoding="utf-8")  # noqa: SIM115  (held open)
        if not _try(handle, fcntl.LOCK_EX):
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise DataDirBusyError(
                f"SkinLab is already running with the data directory {root} (process {holder}). "
                "Close it first, or start this one with another --data-dir."
            )
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
