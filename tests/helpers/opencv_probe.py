"""Run by tests/test_packaging_opencv_libs.py in a child process, with whichever cv2 comes first on
PYTHONPATH: what cv2 gives for the engine's photo work, LAPACK-sized problems and video files, as
JSON. Arguments: a scratch folder, then photos to analyse besides the bundled demo face."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from core.analysis import analyze
from core.capture import CameraUnavailableError, VideoFileSource
from core.capture.sources import demo_face


def main(scratch: Path, photos: list[Path]) -> dict[str, object]:
    scratch.mkdir(parents=True, exist_ok=True)
    face = demo_face()
    bgr = np.ascontiguousarray(face[:, :, ::-1])
    encoded = {}
    for ext in (".jpg", ".png", ".webp", ".tiff"):
        _ok, data = cv2.imencode(ext, bgr)
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
        encoded[ext] = [
            hashlib.sha256(data.tobytes()).hexdigest(),
            hashlib.sha256(decoded.tobytes()).hexdigest(),
        ]
    analyses = [analyze(face).photo_json()] + [analyze(p).photo_json() for p in photos]
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((150, 150)), rng.standard_normal((150, 2))
    spd = a @ a.T + 150 * np.eye(150)
    tall = rng.standard_normal((140, 40))
    single = rng.standard_normal((120, 130)).astype(np.float32)
    linalg = {
        "lu": cv2.solve(a, b, flags=cv2.DECOMP_LU)[1],
        "cholesky": cv2.solve(spd, b, flags=cv2.DECOMP_CHOLESKY)[1],
        "qr": cv2.solve(tall, tall[:, :2] + 0.1, flags=cv2.DECOMP_QR)[1],
        "svd": cv2.SVDecomp(tall.astype(np.float32))[0],
        "gemm": cv2.gemm(single, single.T, 1, None, 0),
        "invert": cv2.invert(a, flags=cv2.DECOMP_SVD)[1],
    }
    clip = scratch / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for value in (20, 120, 220):
        writer.write(np.full((48, 64, 3), value, np.uint8))
    writer.release()
    with VideoFileSource(clip, loop=False) as source:
        levels = [int(source.read().rgb.mean()) for _ in range(3)]
    mp4 = scratch / "clip.mp4"
    mp4.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    try:
        VideoFileSource(mp4).open()
        mp4_opens = True
    except CameraUnavailableError:
        mp4_opens = False
    avif = cv2.imdecode(np.frombuffer(_AVIF_HEADER, np.uint8), cv2.IMREAD_COLOR)
    maps = Path("/proc/self/maps").read_text(encoding="utf-8").splitlines()
    return {
        "module": cv2.__file__,
        "blas_bytes": sorted(
            {Path(line.split()[-1]).stat().st_size for line in maps if "openblasp" in line}
        ),
        "encoded": encoded,
        "analyses": analyses,
        "linalg": {
            name: np.asarray(value, np.float64).ravel().tolist() for name, value in linalg.items()
        },
        "video_levels": levels,
        "mp4_opens": mp4_opens,
        "avif": None if avif is None else [avif.shape[1], avif.shape[0]],
    }


# The start of an AVIF file (its ftyp box): libavif looks at it through cv2's signature check.
_AVIF_HEADER = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(200)

if __name__ == "__main__":
    result = main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
    print(json.dumps(result, sort_keys=True, default=str))
