"""The token signing secret: from settings, or generated once into an owner-only file."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from core.errors import DataDirError, ValidationError

log = logging.getLogger(__name__)
MIN_SECRET_CHARS = 32


def load_or_create_secret(path: Path, configured: str | None = None) -> str:
    """Return the configured secret, else the one in ``path``, creating it (mode 0600) if absent."""
    if configured:
        if len(configured) < MIN_SECRET_CHARS:
            raise ValidationError(
                f"The configured secret key is too short (at least {MIN_SECRET_CHARS} characters)"
            )
        return configured
    try:
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077 and os.name != "nt":
                log.warning("Secret key file %s was readable by others; restricting it", path)
                path.chmod(0o600)
            try:
                value = path.read_text(encoding="ascii").strip()
            except UnicodeDecodeError:
                value = ""
            if len(value) >= MIN_SECRET_CHARS:
                return value
            log.warning("Secret key file %s is damaged or too short; generating a new one", path)
        value = secrets.token_urlsafe(64)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(value)
        path.chmod(0o600)
        return value
    except OSError as exc:
        raise DataDirError(
            f"Cannot read or create the secret key file {path}: {exc.strerror or exc}"
        ) from exc
