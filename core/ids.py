"""Time-ordered identifiers for rows that are written often (RFC 9562 UUID version 7).

A random key (version 4) lands its index entry on a random page of the primary key index: at a
million analyses, every save read a cold index page, wrote it and split it when full (two more
pages read and three written), and on an encrypted database each of those pages is decrypted or
encrypted and authenticated (docs/benchmarks.md, "Saving an analysis, encrypted"). A version 7
key starts with the time in milliseconds, so a new entry goes at the end of the index, on a page
the last save has just written. The other 74 bits are random: two devices never pick the same id.

What it tells: the moment the id was made, to the millisecond, which the analysis row states
anyway (``created_at``) wherever its id goes with it.
"""

from __future__ import annotations

import secrets
import time
import uuid


def time_ordered_id() -> uuid.UUID:
    """A UUID version 7 for now."""
    return time_ordered_id_at(time.time_ns() // 1_000_000)


def time_ordered_id_at(millis: int) -> uuid.UUID:
    """A UUID version 7: 48 bits of Unix time in milliseconds, then 74 random bits."""
    value = (millis & (1 << 48) - 1) << 80 | secrets.randbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant 10 (RFC 9562)
    return uuid.UUID(int=value)
