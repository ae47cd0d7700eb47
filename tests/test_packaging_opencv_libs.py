"""The build's stand-ins for OpenCV's OpenBLAS and FFmpeg (packaging/opencv_libs.py, used by
pyinstaller.spec): cv2 loaded against them in a copy of its wheel's layout reads, writes and
analyses photos exactly as with its own libraries, solves with numpy's OpenBLAS, plays Motion-JPEG
video files, and a stub that is ever called stops the process saying which one."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from tests.helpers.paths import REPO, SHARED_FACES

PACKAGING = REPO / "packaging"
SITE = Path(cv2.__file__).resolve().parents[1]
MODULE = next((SITE / "cv2").glob("cv2.*.so"))
LIBS = SITE / "opencv_python_headless.libs"
NUMPY_BLAS = next((SITE / "numpy.libs").glob("libscipy_openblas*.so"))
PROBE = (Path(__file__).parent / "helpers" / "opencv_probe.py").read_text(encoding="utf-8")


def _packaging() -> ModuleType:
    """packaging/'s build helpers, by file: the folder's name is also PyPI's ``packaging``."""
    for name in ("elf_symbols", "lib_stubs", "openblas_shim", "opencv_libs"):
        spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def slim_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """cv2's package and libraries as the build ships them: the package is copied (cv2 and the
    loader find their files from their real paths), the libraries linked, the stand-ins put in."""
    root = tmp_path_factory.mktemp("slim")
    slim = _packaging().slim(module=MODULE, libs=LIBS, numpy_blas=NUMPY_BLAS, workdir=root / "w")
    site = root / "site"
    shutil.copytree(MODULE.parent, site / "cv2", ignore=shutil.ignore_patterns("__pycache__"))
    (site / LIBS.name).mkdir()
    for lib in LIBS.iterdir():
        if lib.name not in slim.left_out:
            (site / LIBS.name / lib.name).symlink_to(slim.replaced.get(lib.name, lib))
    (site / "numpy.libs").symlink_to(NUMPY_BLAS.parent)
    return site


def _probe(
    site: Path | None, tmp: Path, *, ffmpeg_off: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCV_VIDEOIO")}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    if ffmpeg_off:  # what packaging/rth_opencv_video.py sets in the built app
        env["OPENCV_VIDEOIO_PRIORITY_FFMPEG"] = "0"
    faces = sorted(SHARED_FACES.glob("*.jp*g"))[:3] if SHARED_FACES.is_dir() else []
    command = [sys.executable, "-c", PROBE, str(tmp), *map(str, faces)]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def test_ffmpeg_and_openblas_get_stand_ins_and_what_only_they_linked_is_left_out(
    slim_site: Path,
) -> None:
    kept = {p.name.split("-")[0] for p in (slim_site / LIBS.name).iterdir()}
    assert kept == {"libavcodec", "libavformat", "libavutil", "libswscale", "libopenblasp",
                    "libavif", "libaom", "libpng16"}  # fmt: skip
    size = sum(p.resolve().stat().st_size for p in (slim_site / LIBS.name).iterdir())
    full = sum(p.stat().st_size for p in LIBS.iterdir())
    assert size < 12e6 and full > 80e6


def test_cv2_with_the_stand_ins_gives_the_same_pictures_analyses_and_solutions(
    slim_site: Path, tmp_path: Path
) -> None:
    real, slim = _probe(None, tmp_path / "real"), _probe(slim_site, tmp_path / "slim")
    assert real.returncode == 0 and slim.returncode == 0, real.stderr[-2000:] + slim.stderr[-2000:]
    before, after = json.loads(real.stdout), json.loads(slim.stdout)
    assert after["module"].startswith(str(slim_site)) and not before["module"].startswith(
        str(slim_site)
    )
    assert before["blas_bytes"][0] > 30e6 and after["blas_bytes"][0] < 1e6  # OpenCV's, the shim
    for key in ("encoded", "analyses", "video_levels", "mp4_opens", "avif"):
        assert after[key] == before[key], key
    assert len(after["analyses"]) >= 1 and after["video_levels"] == [20, 120, 220]
    assert after["avif"] in (None, [64, 48])  # this wheel's AVIF reading, whichever it is, kept
    for name, values in before["linalg"].items():  # another OpenBLAS: equal to rounding
        want, got = np.asarray(values), np.asarray(after["linalg"][name])
        assert np.abs(got - want).max() <= 1e-5 * np.abs(want).max(), name


def test_a_stub_that_is_called_stops_the_process_naming_it(slim_site: Path, tmp_path: Path) -> None:
    done = _probe(slim_site, tmp_path, ffmpeg_off=False)  # FFmpeg's backend left on: a mistake
    assert done.returncode != 0
    assert "this build left that library out" in done.stderr and "libav" in done.stderr


def test_a_missing_compiler_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opencv = _packaging()
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with none of the tools
    with pytest.raises(opencv.StubUnavailable, match="gcc, readelf not found: install gcc"):
        opencv.slim(module=MODULE, libs=LIBS, numpy_blas=NUMPY_BLAS, workdir=tmp_path / "w")


def test_a_wheel_whose_libraries_are_elsewhere_is_refused(tmp_path: Path) -> None:
    opencv = _packaging()
    with pytest.raises(opencv.StubUnavailable, match=r"links libav\w+-.* which is not in"):
        opencv.slim(module=MODULE, libs=tmp_path, numpy_blas=NUMPY_BLAS, workdir=tmp_path / "w")


def _compile(tmp: Path, name: str, code: str) -> Path:
    (tmp / f"{name}.c").write_text(code, encoding="utf-8")
    out = tmp / f"lib{name}.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(out), str(tmp / f"{name}.c")], check=True)
    return out


def test_a_blas_function_the_shim_does_not_forward_stops_the_build(tmp_path: Path) -> None:
    _packaging()
    shim = sys.modules["openblas_shim"]
    user = _compile(tmp_path, "user", "void sgesvd_(void); void f(void) { sgesvd_(); }")
    real = next(LIBS.glob("libopenblas*"))
    with pytest.raises(shim.StubUnavailable, match=r"calls sgesvd_ from .* does not forward"):
        shim.build_shim(real=real, user=user, target=NUMPY_BLAS, workdir=tmp_path / "w")


def test_data_a_user_reads_from_a_library_cannot_be_stubbed(tmp_path: Path) -> None:
    _packaging()
    stubs = sys.modules["lib_stubs"]
    lib = _compile(tmp_path, "lib", "int level = 3; int get(void) { return level; }")
    user = _compile(
        tmp_path, "user", "extern int level; int get(void); int f(void) { return level + get(); }"
    )
    symbols = stubs.wanted_from(lib, [user], sys.modules["elf_symbols"].imports(user))
    assert [s.name for s in symbols] == ["get", "level"]
    with pytest.raises(stubs.StubUnavailable, match="level are data, not functions"):
        stubs.make_stub(lib, symbols, tmp_path / "w")
