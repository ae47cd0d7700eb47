"""What PostgreSQL can store: JSON parsers accept NUL characters, lone surrogates and NaN, which
text and JSONB columns refuse. Finding them first turns a would-be 500 into a clear 422."""

from __future__ import annotations

import math
from typing import Any


def text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


def json_problem(value: Any) -> str | None:
    """Why ``value`` (parsed JSON) cannot go into JSONB, or None. Iterative: depth costs no stack."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return f"a text value {problem}"
        elif isinstance(item, float) and not math.isfinite(item):
            return "a number is NaN or infinite"
        elif isinstance(item, dict):
            for key, inner in item.items():
                problem = text_problem(str(key))
                if problem:
                    return f"a key {problem}"
                pending.append(inner)
        elif isinstance(item, list):
            pending.extend(item)
    return None
