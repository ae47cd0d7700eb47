"""Where a SkinLab installation keeps its files, all under one data directory (owner-only: the
folders 0700, the files 0600; the data key lives elsewhere, see :mod:`core.security.keys`)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.errors import DataDirError
from core.locations import DATABASE_FILE
from core.security.permissions import make_private_dir


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def images(self) -> Path:
        return self.root / "images"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def secret_key_file(self) -> Path:
        return self.root / "secret.key"

    @property
    def device_key_file(self) -> Path:
        return self.root / "device_key.pem"

    @property
    def erasure_log(self) -> Path:
        """Erased patients, kept outside the database so that a restored backup replays them."""
        return self.root / "erasures.log"


def prepare_data_dir(root: Path) -> DataPaths:
    """Create the data directory tree and prove it is writable, or raise :class:`DataDirError`."""
    paths = DataPaths(Path(root).expanduser().resolve())
    hint = "Choose another folder with --data-dir, or fix its permissions."
    if paths.root.exists() and not paths.root.is_dir():
        raise DataDirError(f"The data directory {paths.root} is a file, not a folder. {hint}")
    try:
        for directory in (paths.root, paths.images, paths.cache, paths.logs, paths.backups):
            make_private_dir(directory)
        fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=paths.root)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DataDirError(
            f"The data directory {paths.root} is not writable ({reason}). {hint}"
        ) from exc
    return paths
