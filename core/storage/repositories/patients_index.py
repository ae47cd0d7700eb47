"""The patients' trigram index on SQLite (migration 0009): which patients contain a text, at once.

Without it a search walks the name index in order and stops after a page: quick while the text
is common early in the alphabet, slow otherwise (a rare text walks all 100,000 patients). Here
``patient_search`` (FTS5, trigram tokens) gives the candidates: every trigram of each word of 3 or
more characters, and one of the trigrams each shorter word starts (the key ends with two spaces,
so every occurrence starts one); ``patient_search_rows`` (one narrow row per patient) re-checks
each candidate with ``instr``, since the index knows which trigrams a key holds, not where. The
rows' ids follow the name order (migration 0009), so the index hands out its matches in the
list's order and a page of 200 stops after its 200th match, however many patients match.

Literal matching: each trigram is sent as an FTS5 string (``"..."`` with ``"`` doubled), so ``*``,
``NEAR``, ``AND``, ``:``, ``^``, ``%``, ``_`` and quotes are text, never syntax; ``instr`` compares
the same ASCII-folded bytes as the walk does, so both give exactly the same patients.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    Uuid,
    column,
    false,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Join

TRIGRAM = 3
SHORT_TERMS = {1: 8, 2: 64}
"""A word shorter than a trigram is looked up as the trigrams it starts when there are at most
this many for its length: a common letter starts dozens, and walking the name index finds a page
of those sooner than merging that many lists (measured: 30 vs 60 ms for "g" under load)."""
NOTHING = ""
"""What :func:`narrowing` gives when no patient can match (a word that starts no trigram)."""
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
LAST_CHAR = "\U0010ffff"

rows = table(
    "patient_search_rows",
    column("id", Integer),
    column("user_id", Uuid),
    column("last_name", String),
    column("first_name", String),
    column("search_key", Text),
)
_index = table("patient_search", column("rowid", Integer))
_terms = table("patient_search_terms", column("term", Text))
_MATCH: ColumnElement[str] = literal_column("patient_search")


def folded(word: str) -> str:
    """The word as the search key holds it: SQLite's ``lower()`` folds A-Z only."""
    return word.translate(ASCII_LOWER)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def narrowing(session: Session, words: Sequence[str]) -> str | None:
    """The FTS5 query whose matches include every patient containing all the words (each trigram
    quoted as a string), ``NOTHING`` when none can, None when the index cannot narrow them (not
    SQLite, no words, or only common single letters)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    parts: list[str] = []
    for word in dict.fromkeys(folded(w) for w in words):
        if "\x00" in word:  # a NUL ends a string in parts of SQLite's C code: left to instr
            continue
        if len(word) >= TRIGRAM:
            trigrams = dict.fromkeys(word[i : i + TRIGRAM] for i in range(len(word) - 2))
            parts.append(" AND ".join(_quoted(t) for t in trigrams))
            continue
        starts = session.scalars(
            select(_terms.c.term)
            .where(_terms.c.term >= word, _terms.c.term < word + LAST_CHAR)
            .limit(SHORT_TERMS[len(word)] + 1)
        )
        terms = [t for t in starts if t.startswith(word)]
        if not terms:
            return NOTHING
        if len(terms) <= SHORT_TERMS[len(word)]:
            parts.append("(" + " OR ".join(_quoted(t) for t in terms) + ")")
    return " AND ".join(parts) or None


def _source() -> Join:
    return _index.join(rows, rows.c.id == _index.c.rowid)


def candidates(expression: str, words: Sequence[str]) -> Select[uuid.UUID]:
    """The patients containing every word: the index's matches, each checked exactly with
    ``instr`` on its narrow row. Unordered (``patients_by_name`` reads them in name order)."""
    user_id: ColumnElement[uuid.UUID] = rows.c.user_id
    found = _MATCH.op("MATCH")(expression) if expression != NOTHING else false()
    exact = [func.instr(rows.c.search_key, folded(w)) > 0 for w in words]
    return select(user_id).select_from(_source()).where(found, *exact)
