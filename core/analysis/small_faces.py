"""dlib's frontal-face detector limited to the faces a search after the first copy is for.

A face the detector did not find on the first (512 px) copy has a box under its 80 px window there,
so under 160 px on the next copy, twice as large. dlib scans an image pyramid, each level 5/6 of the
one before, down to the window's size: on that copy the levels past the fifth (boxes of 80 x
(6/5)^4 = 166 px and more) look for faces the first copy already looked for, and cost about a sixth
of the search. Python's dlib does not expose the number of levels; it is a field of the detector's
serialised form, so the limited detector is the frontal one saved, that field set, and loaded again.
A search with it that is not sure is done again by the full detector (``face.DlibFaceDetector``), so
a larger face missed on the first copy is still found, only later.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Final

LEVELS: Final = 5
"""Pyramid levels kept: face boxes of 80 to 166 px on the searched copy."""
LARGEST_SURE: Final = 80 * (6 / 5) ** (LEVELS - 2)
"""Boxes from the last level kept (over 138 px) may be a larger face seen at the pyramid's end
(a face with a 180 px box gave a 149 px one, at 0.2 instead of 1.24): never taken as sure."""
_ENCODED_LEVELS: Final = b"\x01\x50\x01\x50\x02\xe8\x03"
"""The frontal detector's window (80 x 80 px) and its pyramid limit (1000 levels) as dlib's
serialisation writes them: a length byte, then the little-endian value."""


@functools.lru_cache(maxsize=1)
def small_face_detector() -> object:
    """The frontal detector stopped after :data:`LEVELS` pyramid levels, or the full one when its
    serialised form is not the one expected (another dlib version) or cannot be written (no
    writable temporary folder): slower, never wrong."""
    import dlib  # lazy: dlib loads only when a face is first looked for

    full = dlib.get_frontal_face_detector()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "frontal.svm"
            full.save(str(path))
            data = path.read_bytes()
            if data.count(_ENCODED_LEVELS) != 1:
                return full
            limit = b"\x02" + LEVELS.to_bytes(2, "little")
            path.write_bytes(data.replace(_ENCODED_LEVELS, _ENCODED_LEVELS[:4] + limit))
            return dlib.fhog_object_detector(str(path))
    except (OSError, RuntimeError):
        return full


def small_face_detector_loaded() -> bool:
    """Whether :func:`small_face_detector` has been made in this process (making it holds Python's
    lock for 0.3-0.5 s, so a search made ahead on a helper thread leaves that to the caller)."""
    return small_face_detector.cache_info().currsize > 0
