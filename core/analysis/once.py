"""A property computed once per object, even when several threads ask for it at the same time.

``functools.cached_property`` computes a value twice when two threads ask before either has
stored it (Python 3.12 dropped its lock; 3.11's lock is one per property for every object of the
class, so two analyses running at once would wait for each other). The shared maps of one analysis
are asked for by measures running on several threads (:mod:`core.analysis.parallel`): each map is
computed by the first thread that asks, and the others wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
_LOCKS = "_once_locks"
_GUARD = threading.Lock()


def _lock(obj: Any, name: str) -> threading.Lock:
    """The lock of ``obj``'s property ``name`` (made on first use)."""
    with _GUARD:
        locks: dict[str, threading.Lock] = obj.__dict__.setdefault(_LOCKS, {})
        return locks.setdefault(name, threading.Lock())


class computed_once(Generic[T]):  # a decorator, named like cached_property
    """Like ``functools.cached_property``, with one lock per object and property."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> computed_once[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> T | computed_once[T]:
        if obj is None:
            return self
        values = obj.__dict__
        if self.name in values:
            return values[self.name]  # type: ignore[no-any-return]
        with _lock(obj, self.name):
            if self.name not in values:
                values[self.name] = self.func(obj)
            return values[self.name]  # type: ignore[no-any-return]
