"""ICU's data library for the build, cut down to the language SkinLab speaks (pyinstaller.spec).

Qt links ICU, and ICU's data library (``libicudata.so.NN``, 32 MB in PySide6's wheel) holds the
locale data of every language: names of languages, countries, currencies, units and time zones,
collation rules, number spellings and character-set converters. SkinLab speaks English only, and
Qt reads ICU's data for collation, case mapping and time-zone names in the user's locale: a
locale whose data is left out falls back to ICU's root (language-neutral) data, as ICU does for
any locale it has no data for.

Kept: every item that is not the data of one locale (Unicode normalisation, break rules and their
dictionaries, the root collation table, plural rules, time-zone rules, aliases), and the data of
the root locale and of English in every region (``en``, ``en_GB``, ``en_US_POSIX`` ...).
Left out: the other languages' locale data and the legacy character-set converters (``.cnv``).

The tools are ICU's own (``icupkg`` and ``genccode``, Debian's ``icu-devtools``) and a C
compiler to turn the data into a shared library with the same name and entry point.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

KEPT_LANGUAGES = ("en",)
TOOLS = ("icupkg", "genccode", "gcc", "nm", "readelf")
# A locale's own data file: a language code, then optional script, region and variant parts.
_LOCALE = re.compile(r"[a-z]{2,3}(_\w*)?")
# Bundles with a locale-like name that are not one locale's data.
_SHARED = frozenset({"root", "pool", "res_index"})
_LIBRARY = re.compile(r"libicudata\.so\.(\d+)$")


class IcuTrimUnavailable(RuntimeError):
    """The tools to cut ICU's data down are missing: the build keeps the full library."""


@dataclass(frozen=True)
class Trimmed:
    library: Path
    kept: int
    left_out: int


def is_icu_data_library(name: str) -> bool:
    return _LIBRARY.search(name) is not None


def left_out(items: list[str], languages: tuple[str, ...] = KEPT_LANGUAGES) -> list[str]:
    """The items of ICU's data package (as ``icupkg -l`` names them) that the build leaves out."""
    out = []
    for item in items:
        base, _, ext = item.rsplit("/", 1)[-1].rpartition(".")
        if ext == "cnv":
            out.append(item)
        elif ext == "res" and _LOCALE.fullmatch(base) and base not in _SHARED:
            language = base.split("_", 1)[0]
            if language not in languages:
                out.append(item)
    return out


def trim(library: Path, workdir: Path) -> Trimmed:
    """Write a cut-down copy of ICU's data library into ``workdir`` and return where it is.

    Raises :class:`IcuTrimUnavailable` when a tool is missing, and ``CalledProcessError`` when one
    fails (the build must then stop: it never ships a library it could not check)."""
    found = _LIBRARY.search(library.name)
    if found is None:
        raise ValueError(f"{library.name} is not ICU's data library (libicudata.so.NN)")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise IcuTrimUnavailable(
            f"{', '.join(missing)} not found: install icu-devtools and gcc (Debian) to cut ICU's"
            " data down; the build keeps the full library"
        )
    entry = f"icudt{found.group(1)}"
    # icupkg wants each package file named after the package its items carry: icudtNNl.dat
    package = workdir / f"{entry}l.dat"
    full = workdir / "full" / package.name
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_bytes(_data_blob(library, f"{entry}_dat"))
    items = _run("icupkg", "-l", str(full)).split()
    dropped = left_out(items)
    listing = workdir / "left_out.txt"
    listing.write_text("".join(f"{item}\n" for item in dropped), encoding="utf-8")
    _run("icupkg", "-r", str(listing), str(full), str(package))
    _run("genccode", "-q", "-a", "gcc", "-e", entry, "-d", str(workdir), str(package))
    out = workdir / library.name
    soname = f"-Wl,-soname,{library.name}"
    _run("gcc", "-shared", "-nostdlib", soname, "-o", str(out), str(workdir / f"{entry}l_dat.S"))
    return Trimmed(out, len(items) - len(dropped), len(dropped))


def _data_blob(library: Path, symbol: str) -> bytes:
    """The bytes of the data symbol, read from the library's file (``nm`` gives where)."""
    listing = _run("nm", "-D", "-S", str(library))
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[3] == symbol:
            address, size = int(fields[0], 16), int(fields[1], 16)
            break
    else:
        raise ValueError(f"{library.name} has no symbol {symbol}")
    offset = _file_offset(library, address)
    with library.open("rb") as fh:
        fh.seek(offset)
        return fh.read(size)


def _file_offset(library: Path, address: int) -> int:
    """Where a virtual address lies in the file, from the section that holds it."""
    sections = _run("readelf", "-S", "-W", str(library))
    for line in sections.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 6 and fields[0].startswith("[") and fields[2] == "PROGBITS":
            start, offset, size = (int(fields[i], 16) for i in (3, 4, 5))
            if start <= address < start + size:
                return address - start + offset
    raise ValueError(f"{library.name}: no section holds address {address:#x}")


def _run(*command: str) -> str:
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return done.stdout
