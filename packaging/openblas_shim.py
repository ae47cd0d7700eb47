"""OpenCV's OpenBLAS replaced by a small library that forwards to numpy's (pyinstaller.spec).

OpenCV's wheel links its own OpenBLAS (39 MB, with libgfortran and libquadmath 3 MB) for 19 BLAS
and LAPACK functions: matrix products, LU, Cholesky, QR, least squares, SVD and eigenvalues of
large matrices (OpenCV uses its own code below 25-100 rows). numpy's wheel ships another OpenBLAS
(64-bit integers, prefixed names) that every SkinLab process loads first anyway. The shim
(packaging/openblas_shim.c) carries OpenCV's library's name and forwards each call there,
converting the integers; the build stops if OpenCV imports a function the shim does not forward.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from elf_symbols import exports, imports, soname
from lib_stubs import StubUnavailable, require_tools

SOURCE = Path(__file__).with_name("openblas_shim.c")
# numpy's OpenBLAS names sgesv_ as scipy_sgesv_64_ and cblas_sgemm as scipy_cblas_sgemm64_.
_TARGET = re.compile(r"^(?P<prefix>(?:[A-Za-z0-9]+_)*)sgesv_(?P<suffix>\w*)$")


def is_openblas(name: str) -> bool:
    return name.startswith("libopenblas")


def build_shim(*, real: Path, user: Path, target: Path, workdir: Path) -> Path:
    """Compile the shim named like ``real`` (OpenCV's OpenBLAS) for ``user`` (cv2's module),
    forwarding to ``target`` (numpy's OpenBLAS), into ``workdir``."""
    require_tools()
    offered = exports(real)
    wanted = sorted(s.name for s in imports(user) if s.name in offered)
    prefix, suffix = _naming(target)
    defined = exports(target)
    absent = [name for name in wanted if f"{prefix}{name}{suffix}" not in defined]
    if absent:
        raise StubUnavailable(
            f"numpy's OpenBLAS ({target.name}) lacks {', '.join(absent)}, which {user.name}"
            " calls: the build must ship OpenCV's own OpenBLAS"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / real.name
    relative = Path("..") / target.parent.name
    command = [
        "gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(out), str(SOURCE),
        f"-DTARGET_PREFIX={prefix}", f"-DTARGET_SUFFIX={suffix}",
        f"-L{target.parent}", f"-l:{target.name}", "-Wl,--no-undefined",
        f"-Wl,-soname,{soname(real)}", f"-Wl,-rpath,$ORIGIN/{relative}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise StubUnavailable(f"gcc could not build the OpenBLAS shim: {done.stderr}")
    forwarded = exports(out)
    missing = [name for name in wanted if name not in forwarded]
    if missing:
        raise StubUnavailable(
            f"{user.name} calls {', '.join(missing)} from {real.name}, which"
            " packaging/openblas_shim.c does not forward: add them there or ship the real library"
        )
    return out


def _naming(target: Path) -> tuple[str, str]:
    for name in exports(target):
        match = _TARGET.match(name)
        if match:
            return match["prefix"], match["suffix"]
    raise StubUnavailable(f"{target.name} has no sgesv_: it is not an OpenBLAS with LAPACK")
