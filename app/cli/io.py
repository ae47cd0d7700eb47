"""Terminal helpers shared by the commands: reading secrets from stdin, printing tables."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence

from core.errors import ValidationError


def read_secret(prompt: str, *, confirm: bool = False) -> str:
    """A password from a prompt on a terminal, or the first line of stdin when piped."""
    if sys.stdin.isatty():
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat: ") != value:
            raise ValidationError("The two passwords differ")
        return value
    line = sys.stdin.readline()
    if not line:
        raise ValidationError("Expected a password on standard input, got nothing")
    return line.rstrip("\r\n")


def read_token() -> str:
    data = sys.stdin.read().strip()
    if not data:
        raise ValidationError("Expected a token on standard input, got nothing")
    return data


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header], *[[("" if c is None else str(c)) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
