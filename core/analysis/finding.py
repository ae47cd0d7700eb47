"""The photo decoded and its face found: hashed while it decodes, turned upright when it was saved
on its side, and decoded again at full size when the reduced decode left the face too small."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from typing import Any, Final, cast

import numpy as np

from core.analysis.choice import Choice, choose_face, grey_photo, skin_between_brows
from core.analysis.errors import AnalysisInputError
from core.analysis.face_model import DEFAULT_LEVELS, FaceDetector
from core.analysis.intake import NOT_HASHED, DecodedImage, Source, load_image
from core.analysis.needs import NEEDS
from core.analysis.normalise import DETAIL_REFERENCE_IOD
from core.analysis.parallel import Step, run_steps


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decoded(data: bytes | None, source: Source, digest: str | None, threads: int) -> DecodedImage:
    """The photo decoded, with the SHA-256 of its bytes: ``digest`` when the caller hashed them,
    else hashed on a second thread while libjpeg decodes (both let go of Python's lock)."""
    if data is None:
        return load_image(source)
    if digest is not None or threads == 1:
        return load_image(data, sha256=digest)
    steps: tuple[Step[Any], ...] = (
        Step(partial(load_image, data, sha256=NOT_HASHED)),
        Step(partial(sha256, data)),
    )
    image, hashed = run_steps(steps, threads=2)
    return replace(cast(DecodedImage, image), sha256=cast(str, hashed))


def no_face() -> AnalysisInputError:
    return AnalysisInputError(
        "No face was found in the photo. The whole face must be in the frame, near enough to "
        "the camera, uncovered (no mask or hand over it) and looking at the camera.",
        code="no_face",
    )


def find_face(image: DecodedImage, detector: FaceDetector, threads: int = 1) -> Choice:
    faces = detector.detect(image.rgb, threads=threads)
    if not faces:
        raise no_face()
    return choose_face(image.rgb, faces)


DOUBTFUL_SCORE: Final = 0.3
"""A chosen face scoring under this may be a face upside down or on its side that the upright
detector half-matched (a photo turned 180 degrees gave 0.01 where the same face upright scores
2.0); the photo's other turns are then searched too. Of the 302 faces-age faces two score
under it upright (0.06 and 0.25; no other turn of theirs holds a face, so they stay as they are);
the shared and bench photos score 0.3 or more. A face found only at another turn must score at
least this too, and a doubtful upright face must show a skin colour (:func:`plausible`): a
mission patch on the astronaut's suit scored 0.05-0.09 and was refused for its light, as a face
under a purple lamp (acceptance test, session 17); the three faces-age photos under tinted light
that are refused for it score 1.1-1.7."""
TURNED_SURE: Final = 1.0
"""A turn wins over a doubtful upright face only with a face this sure, ``TURN_MARGIN`` above it."""
TURN_MARGIN: Final = 0.5
TURNS: Final = (1, 3, 2)
"""Quarter turns anticlockwise tried in turn: a phone held sideways either way, then upside down."""


def upright(
    image: DecodedImage, detector: FaceDetector, threads: int = 1, data: bytes | None = None
) -> tuple[DecodedImage, Choice, int]:
    """The face, turning the photo a quarter at a time when it was saved on its side or upside
    down without an EXIF orientation (a phone held sideways): the detector only finds upright
    faces, so a photo with none, or with only a doubtful one, is searched at its other turns.
    ``data``, the photo's bytes when ``image`` was decoded reduced, lets the last look search the
    photo at full size (the image returned is then that one)."""
    faces = detector.detect(image.rgb, threads=threads)
    choice = choose_face(image.rgb, faces) if faces else None
    if choice is not None and choice.face.score >= DOUBTFUL_SCORE:
        return image, choice, 0
    # A turned face must be sure: each turn is another chance of a pattern half-matching a face
    # (a 1080p photo of coins, turned, gave one at 0.27), and of an upright face too small for
    # the usual copies half-matching upside down (rose_leslie_img2 at 100 px in a 12 MP photo
    # scored 0.006 at 180 degrees); a doubtful upright face gives way only to a surer one.
    needed = DOUBTFUL_SCORE if choice is None else max(TURNED_SURE, choice.face.score + TURN_MARGIN)
    for quarters in TURNS:
        turned = rotated(image, quarters)
        faces = detector.detect(turned.rgb, threads=threads)
        if faces and max(face.score for face in faces) >= needed:
            return turned, choose_face(turned.rgb, faces), 90 * quarters
    choice = plausible(image, choice)
    if choice is not None:
        return image, choice, 0
    image, choice, quarters = last_look(image, detector, threads, data)
    if choice is None:
        raise no_face()
    return image, choice, 90 * quarters


def plausible(
    image: DecodedImage, choice: Choice | None, sure_in_grey: float = DOUBTFUL_SCORE
) -> Choice | None:
    """``choice`` unless it is a doubtful match (under :data:`DOUBTFUL_SCORE`) with no skin colour
    between the brows, a badge, a printed pattern; or a match under ``sure_in_grey`` (and
    :data:`DOUBTFUL_SCORE`) in a photo without colour, where no skin can vouch for it. (Between
    the brows, not the middle of the face: a face under a mask keeps that skin bare, and the
    astronaut's orange suit around her mission patch has a skin hue where the patch's "nose"
    fell.)"""
    if choice is None or choice.face.score >= max(DOUBTFUL_SCORE, sure_in_grey):
        return choice
    if grey_photo(image.rgb):
        return None
    if choice.face.score >= DOUBTFUL_SCORE:
        return choice
    return choice if skin_between_brows(image.rgb, choice.face) else None


LAST_LOOK_SIDE: Final = 2048
"""Long side (px) of the copy searched whole when no face was found at any turn."""
GREY_LAST_LOOK: Final = TURNED_SURE
"""The score a face found by the last look must reach in a photo without colour: its larger copy,
the cascade's places and the turns are more chances for a pattern to half-match a face, and no
skin colour can vouch for one (skimage's coins at 4K on their side: 0.23 on the usual copies,
0.45 on the last look's, analysed and scored 60). A real grey face that small is measured for
lines, texture and spots only from 65 px; a quarter of the 312 faces-age and shared faces score
under 1.0 (their first percentile 0.31)."""
FARTHEST_IOD: Final = 0.8 * min(needs.min_interocular_px for needs in NEEDS.values())
"""The smallest face the last look looks for (px between the eyes): 0.8 of the lowest floor of
any measure (redness's 30 px), so a face just under it is told it is too small to measure ("move
closer to the camera") rather than that there is no face."""


def last_look(
    image: DecodedImage, detector: FaceDetector, threads: int = 1, data: bytes | None = None
) -> tuple[DecodedImage, Choice | None, int]:
    """The face in a photo where none was found, searched once more on a larger copy
    (:data:`LAST_LOOK_SIDE`, or the photo's own size), upright and then at the photo's other
    turns (:data:`TURNS`, a turned face as sure as :data:`DOUBTFUL_SCORE`): a face under about 2 %
    of the photo's width (40 px between the eyes in a 1080p frame, 90 px in a 12 MP photo) is
    smaller than the detector's window on the last of the usual copies; a face smaller still,
    down to 24 px between the eyes, is looked for where the cascade proposes one
    (:mod:`core.analysis.far_faces`). A photo decoded reduced is decoded again at full size
    first (with ``data``, its bytes): a far face must keep every pixel it has. Only photos
    without a face pay for it; the image searched (turned) is returned with the face and the
    quarter turns."""
    if image.decode_scale < 1.0 and data is not None:
        image = load_image(data, decode_long_side=None, sha256=image.sha256)
    choice = plausible(image, _far_face(image, detector, threads), GREY_LAST_LOOK)
    if choice is not None:
        return image, choice, 0
    found: Iterator[tuple[DecodedImage, Choice | None]]
    if threads == 1:
        found = (_turned_far(image, quarters, detector) for quarters in TURNS)
    else:  # every turn at once: a photo without a face searches them all anyway
        steps = [Step(partial(_turned_far, image, quarters, detector)) for quarters in TURNS]
        found = iter(run_steps(steps, threads=threads))
    for quarters, (turned, choice) in zip(TURNS, found, strict=True):
        if choice is not None:
            return turned, choice, quarters
    return image, None, 0


def _turned_far(
    image: DecodedImage, quarters: int, detector: FaceDetector
) -> tuple[DecodedImage, Choice | None]:
    """``image`` turned by ``quarters``, and the far face found on it, if sure and plausible:
    the cascade's places on the turned photo, up to the faces its usual copies can see."""
    turned = rotated(image, quarters)
    faces = detector.detect_far(turned.rgb, searched=DEFAULT_LEVELS[-1], smallest_iod=FARTHEST_IOD)
    choice = plausible(turned, choose_face(turned.rgb, faces) if faces else None, GREY_LAST_LOOK)
    if choice is None or choice.face.score < DOUBTFUL_SCORE:
        return turned, None
    return turned, choice


def _far_face(image: DecodedImage, detector: FaceDetector, threads: int) -> Choice | None:
    """The face on the last look's larger copy of ``image``, or in the cascade's places."""
    side = min(LAST_LOOK_SIDE, max(image.rgb.shape[:2]))
    faces = []
    if side > DEFAULT_LEVELS[-1]:  # else searched whole at this size already
        faces = detector.detect(image.rgb, levels=(side,), threads=threads)
    searched = max(side, DEFAULT_LEVELS[-1])
    faces = faces or detector.detect_far(image.rgb, searched=searched, smallest_iod=FARTHEST_IOD)
    return choose_face(image.rgb, faces) if faces else None


def rotated(image: DecodedImage, quarters: int) -> DecodedImage:
    """``image`` turned by ``quarters`` x 90 degrees anticlockwise."""
    rgb = np.ascontiguousarray(np.rot90(image.rgb, quarters))
    width, height = image.original_size
    size = (height, width) if quarters % 2 else (width, height)
    return replace(image, rgb=rgb, original_size=size)


def sharper_copy(
    image: DecodedImage,
    choice: Choice,
    data: bytes | None,
    detector: FaceDetector,
    turned: int,
    threads: int,
) -> tuple[DecodedImage, Choice]:
    """Decode again at full size when the reduced decode left the face below the reference
    resolution, and find the face again there (landmarks are more precise at full size)."""
    if image.decode_scale >= 1.0 or data is None or choice.face.iod >= DETAIL_REFERENCE_IOD:
        return image, choice
    full = rotated(load_image(data, decode_long_side=None, sha256=image.sha256), turned // 90)
    try:
        return full, find_face(full, detector, threads)
    except AnalysisInputError:
        factor = full.width / image.width
        rival = choice.rival.mapped(factor) if choice.rival else None
        return full, Choice(choice.face.mapped(factor), choice.others, rival)
