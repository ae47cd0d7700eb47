"""OpenCV's bundled libraries, slimmed for the built app (pyinstaller.spec): 158 -> ~80 MB.

``cv2.abi3.so`` links, besides OpenCV itself, its own OpenBLAS and FFmpeg with FFmpeg's codecs,
network and hardware libraries (OpenSSL 1.1, dav1d, libvpx, libdrm). The build keeps the file
names and replaces:

- OpenBLAS by a shim forwarding to numpy's OpenBLAS (packaging/openblas_shim.py): same results
  for OpenCV's matrix functions, one BLAS thread pool instead of two.
- FFmpeg (libavcodec, libavformat, libavutil, libswscale) by stubs (packaging/lib_stubs.py).
  SkinLab reads video with OpenCV's ``VideoCapture`` only: webcams through V4L2, which never
  touches FFmpeg, and ``--camera file:VIDEO``. The built app turns OpenCV's FFmpeg backend off
  (packaging/rth_opencv_video.py, ``OPENCV_VIDEOIO_PRIORITY_FFMPEG=0``), so no stub is reachable:
  video files are read by OpenCV's own Motion-JPEG AVI reader, and any other video file is "cannot
  be played" (a typed error). FFmpeg's own dependencies then drop out.

libavif and libaom stay: ``cv2.imread`` looks at every file's signature with libavif, and reading
an AVIF photo (even one named .jpg) must give a picture or None, never a stopped process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from elf_symbols import imports, needed
from lib_stubs import StubUnavailable, make_stub, require_tools, wanted_from
from openblas_shim import build_shim, is_openblas

__all__ = ["FFMPEG", "Slimmed", "StubUnavailable", "slim"]

FFMPEG = re.compile(r"^lib(avcodec|avformat|avutil|avdevice|avfilter|swscale|swresample)\b")


@dataclass(frozen=True)
class Slimmed:
    replaced: dict[str, Path]  # file name in OpenCV's libs folder -> the file the build ships
    left_out: list[str]  # file names no library needs any more


def slim(*, module: Path, libs: Path, numpy_blas: Path, workdir: Path) -> Slimmed:
    """Stand-ins for OpenCV's OpenBLAS and FFmpeg, made in ``workdir`` from ``module``
    (``cv2.abi3.so``), ``libs`` (the wheel's ``opencv_python_headless.libs``) and ``numpy_blas``
    (numpy's OpenBLAS); raises ``lib_stubs.StubUnavailable`` with the reason when one cannot."""
    require_tools()
    wanted = imports(module)
    replaced: dict[str, Path] = {}
    for name in needed(module):
        real = libs / name
        if (FFMPEG.match(name) or is_openblas(name)) and not real.is_file():
            raise StubUnavailable(f"{module.name} links {name}, which is not in {libs}")
        if FFMPEG.match(name):
            symbols = wanted_from(real, [module], wanted)
            replaced[name] = make_stub(real, symbols, workdir / "stubs")
        elif is_openblas(name):
            replaced[name] = build_shim(
                real=real, user=module, target=numpy_blas, workdir=workdir / "shim"
            )
    return Slimmed(replaced, _unreachable(module, libs, replaced))


def _unreachable(module: Path, libs: Path, replaced: dict[str, Path]) -> list[str]:
    """OpenCV's bundled libraries that nothing links any more, once the stand-ins are in."""
    bundled = {path.name for path in libs.iterdir() if path.is_file()}
    seen: set[str] = set()
    todo = [name for name in needed(module) if name in bundled]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        file = replaced.get(name, libs / name)
        todo += [dep for dep in needed(file) if dep in bundled and dep not in seen]
    return sorted(bundled - seen)
