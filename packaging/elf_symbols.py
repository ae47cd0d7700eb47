"""What a shared library imports and exports, read from its file with binutils' ``readelf``.

The build's stand-in libraries (packaging/lib_stubs.py, packaging/openblas_shim.py) are made from
these lists, so they follow the wheels they replace instead of a list written by hand.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# "  50: 0000000000000000  0 FUNC GLOBAL DEFAULT UND avformat_open_input@LIBAVFORMAT_62 (4)"
_SYMBOL = re.compile(
    r"^\s*\d+:\s+[0-9a-f]+\s+\d+\s+(?P<kind>\w+)\s+(?P<bind>\w+)\s+\w+\s+(?P<ndx>\w+)\s+"
    r"(?P<name>[^@\s]+)(?:@@?(?P<version>[^\s(]+))?"
)
_DYNAMIC = re.compile(r"\((NEEDED|SONAME)\)\s+[^\[]*\[(?P<value>[^\]]+)\]")


@dataclass(frozen=True, order=True)
class Symbol:
    """A dynamic symbol: its name, its version node ('' when unversioned) and its kind (FUNC,
    OBJECT, ...)."""

    name: str
    version: str = ""
    kind: str = "FUNC"


def imports(library: Path) -> set[Symbol]:
    """The symbols the library needs from other libraries."""
    return {sym for sym, defined in _dynamic_symbols(library) if not defined}


def exports(library: Path) -> dict[str, Symbol]:
    """The symbols the library defines for others, by name."""
    return {sym.name: sym for sym, defined in _dynamic_symbols(library) if defined}


def needed(library: Path) -> list[str]:
    """The libraries it names as NEEDED, in order."""
    return [value for tag, value in _dynamic(library) if tag == "NEEDED"]


def soname(library: Path) -> str:
    names = [value for tag, value in _dynamic(library) if tag == "SONAME"]
    return names[0] if names else library.name


def _dynamic(library: Path) -> list[tuple[str, str]]:
    out = _readelf("-d", "-W", library)
    return [(m.group(1), m.group("value")) for m in map(_DYNAMIC.search, out.splitlines()) if m]


def _dynamic_symbols(library: Path) -> list[tuple[Symbol, bool]]:
    found = []
    for line in _readelf("--dyn-syms", "-W", library).splitlines():
        match = _SYMBOL.match(line)
        if match is None or match["bind"] == "LOCAL" or match["kind"] in ("SECTION", "FILE"):
            continue
        if match["ndx"] == "UND" and match["bind"] == "WEAK":
            continue  # optional: the loader leaves it NULL when nobody defines it
        symbol = Symbol(match["name"], match["version"] or "", match["kind"])
        found.append((symbol, match["ndx"] != "UND"))
    return found


def _readelf(*args: str | Path) -> str:
    command = ["readelf", *map(str, args)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
