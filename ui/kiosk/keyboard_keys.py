"""The on-screen keyboard's keys, as data: what each key shows, what it types, how wide it is.

Enough for what a visitor or the clinic's staff type at the kiosk: an email address, a name
(O'Neil, Anne-Marie, Mary Ann, and with the accents key Zoë, Łukasz, Muñoz), a password, and on
the staff screen a clinic name or a path (``/media/logo.png``, ``file:PATH``). Letters are typed
lower case unless shift is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class KeyAction(Enum):
    TYPE = "type"
    SHIFT = "shift"
    BACKSPACE = "backspace"
    ACCENTS = "accents"
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
    accent: str = ""
    """The accented letter it shows and types instead while the accents key is on."""

    @property
    def types(self) -> str:
        return self.text or self.label


def _letters(chars: str, accents: str) -> tuple[Key, ...]:
    return tuple(Key(c, accent=a) for c, a in zip(chars, accents, strict=True))


BACKSPACE = Key("⌫", KeyAction.BACKSPACE)
SHIFT = Key("⇧", KeyAction.SHIFT)
DONE = Key("Done", KeyAction.DONE, width=5)
SPACE = Key("space", width=8, text=" ")
ACCENTS = Key("àé", KeyAction.ACCENTS)

ROWS: tuple[tuple[Key, ...], ...] = (
    (*_letters("1234567890", "àáâäãåæçèé"), BACKSPACE),
    (*_letters("qwertyuiop", "êëìíîïñòóô"), Key("@")),
    (*_letters("asdfghjkl", "öõøœùúûüý"), Key("."), Key("-")),
    (SHIFT, *_letters("zxcvbnm", "ßłšžčřś"), Key("_"), Key("+"), Key("'")),
    (Key("/"), Key(":"), ACCENTS, SPACE, Key(".com", width=3), DONE),
)
"""Top to bottom. Every row is ROW_WIDTH half-keys wide, so the keys line up. With the accents
key on, the digit and letter keys show the letters of European names that the plain keys lack (one
accented letter, then back to the plain keys, as shift gives one capital)."""
ROW_WIDTH = 22
