"""Time-ordered ids (core.ids): RFC 9562 version 7, ordered by the millisecond they were made in,
also as SQLite stores them (hex text), and never the same twice."""

from __future__ import annotations

import uuid

from core.ids import time_ordered_id, time_ordered_id_at


def test_an_id_is_a_version_7_uuid() -> None:
    made = time_ordered_id()
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert uuid.UUID(str(made)) == made


def test_ids_sort_by_the_millisecond_they_were_made_in() -> None:
    moments = [1_700_000_000_000 + step for step in (0, 1, 2, 1000, 86_400_000)]
    ids = [time_ordered_id_at(moment) for moment in moments]
    assert sorted(ids) == ids
    assert sorted(made.hex for made in ids) == [made.hex for made in ids]  # SQLite's text form
    assert [made.int >> 80 for made in ids] == moments


def test_ids_made_in_the_same_millisecond_differ() -> None:
    ids = {time_ordered_id_at(1_700_000_000_000) for _ in range(2000)}
    assert len(ids) == 2000
