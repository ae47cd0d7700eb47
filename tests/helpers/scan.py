"""Scan folders for what must never lie readable on a device's disk: image or PDF files (by their
signatures, anywhere in a file, so a photo inside a plain database is found too), a person's name
or email, and files or folders that others may read. Reusable by any flow test (kiosk, desktop)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

# Long enough not to occur by chance in encrypted bytes (a 3-byte JPEG start would, once a megabyte).
SIGNATURES = {
    "JPEG (JFIF)": b"JFIF\x00",
    "JPEG (Exif)": b"Exif\x00\x00",
    "PNG": b"\x89PNG\r\n\x1a\n",
    "PDF": b"%PDF-1.",
}


def _text_forms(secret: str) -> list[bytes]:
    lowered = secret.lower()
    return [lowered.encode("utf-8"), lowered.encode("utf-16-le")]


def scan_for_leaks(
    roots: Iterable[Path],
    *,
    secrets: Sequence[str],
    owner_only: bool = True,
    skip: Sequence[Path] = (),
) -> list[str]:
    """Every problem found, one line each (an empty list means the folders are clean)."""
    problems: list[str] = []
    forms = [(s, f) for s in secrets for f in _text_forms(s)]
    skipped = {p.resolve() for p in skip}
    for root in roots:
        for current, _dirs, files in os.walk(root):
            here = Path(current)
            if owner_only and stat.S_IMODE(here.stat().st_mode) & 0o077:
                problems.append(f"{here}: folder mode {oct(stat.S_IMODE(here.stat().st_mode))}")
            for name in files:
                path = here / name
                if path.resolve() in skipped or path.is_symlink():
                    continue
                mode = stat.S_IMODE(path.stat().st_mode)
                if owner_only and mode != 0o600:
                    problems.append(f"{path}: file mode {oct(mode)}")
                data = path.read_bytes()
                lowered = data.lower()
                for label, signature in SIGNATURES.items():
                    if signature.lower() in lowered:
                        problems.append(f"{path}: contains a {label} signature")
                for secret, form in forms:
                    if form in lowered:
                        problems.append(f"{path}: contains {secret!r}")
    return problems
