"""The on-screen keyboard's keys, as data: what each key shows, what it types, how wide it is.

Enough for what a visitor or the clinic's staff type at the kiosk: an email address, a name
(O'Neil, Anne-Marie, Mary Ann), a password, and on the staff screen a clinic name or a path
(``/media/logo.png``, ``file:PATH``). Letters are typed lower case unless shift is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class KeyAction(Enum):
    TYPE = "type"
    SHIFT = "shift"
    BACKSPACE = "backspace"
    DONE = "done"


@dataclass(frozen=True)
class Key:
    label: str
    """What the key shows (lower case for letters: shift shows and types them upper case)."""
    action: KeyAction = KeyAction.TYPE
    width: int = 2
    """In half-key units: a letter is 2, the space bar 10."""
    text: str = ""
    """What it types when that differs from its label (the space bar)."""

    @property
    def types(self) -> str:
        return self.text or self.label


def _letters(chars: str) -> tuple[Key, ...]:
    return tuple(Key(c) for c in chars)


BACKSPACE = Key("⌫", KeyAction.BACKSPACE)
SHIFT = Key("⇧", KeyAction.SHIFT)
DONE = Key("Done", KeyAction.DONE, width=5)
SPACE = Key("space", width=10, text=" ")

ROWS: tuple[tuple[Key, ...], ...] = (
    (*_letters("1234567890"), BACKSPACE),
    (*_letters("qwertyuiop"), Key("@")),
    (*_letters("asdfghjkl"), Key("."), Key("-")),
    (SHIFT, *_letters("zxcvbnm"), Key("_"), Key("+"), Key("'")),
    (Key("/"), Key(":"), SPACE, Key(".com", width=3), DONE),
)
"""Top to bottom. Every row is ROW_WIDTH half-keys wide, so the keys line up."""
ROW_WIDTH = 22
