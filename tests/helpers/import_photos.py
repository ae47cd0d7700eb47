"""Folders of photos for import tests, made from images that ship with scikit-image: faces with and
without EXIF dates, a sideways face with no orientation tag, a photo with no face, and the bad
inputs of a real folder (a text file, an empty file, a cut-off JPEG)."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import skimage.data
from PIL import Image

EXIF_DATE = "2025:03:14 09:30:00"
FILE_TIME = datetime(2024, 11, 5, 16, 45, 0)
OWNER = "Owner Whose Name Must Not Be Stored"


def face_rgb(shift: int = 0) -> np.ndarray:
    """The astronaut as an upright portrait (taller than wide); ``shift`` crops a few pixels so
    each copy has other bytes."""
    rgb = skimage.data.astronaut()
    return np.ascontiguousarray(rgb[shift:, 70 + shift : 430])


def jpeg(rgb: np.ndarray, *, exif: Image.Exif | None = None, quality: int = 92) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality, exif=exif or Image.Exif())
    return out.getvalue()


def dated_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = OWNER  # Artist
    exif[0x0110] = "Camera X100"  # Model
    inner = exif.get_ifd(0x8769)
    inner[36867] = EXIF_DATE
    return exif


def write(path: Path, data: bytes, *, mtime: datetime = FILE_TIME) -> Path:
    path.write_bytes(data)
    stamp = mtime.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def good_faces(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write(folder / f"face-{start + i:03d}.jpg", jpeg(face_rgb(2 * (start + i) + 1)))
        for i in range(count)
    ]


def mixed_folder(folder: Path) -> dict[str, Path]:
    """The bad-input folder of the issue, with two good photos and one turned photo."""
    folder.mkdir(parents=True, exist_ok=True)
    sideways = cv2.rotate(face_rgb(3), cv2.ROTATE_90_CLOCKWISE)
    full = jpeg(face_rgb(5))
    return {
        "dated": write(folder / "a-dated.jpg", jpeg(face_rgb(), exif=dated_exif())),
        "undated": write(folder / "b-undated.jpg", jpeg(face_rgb(1))),
        "sideways": write(folder / "c-sideways.jpg", jpeg(np.ascontiguousarray(sideways))),
        "no_face": write(folder / "d-coffee.jpg", jpeg(skimage.data.coffee())),
        "empty": write(folder / "e-empty.jpg", b""),
        "corrupt": write(folder / "f-corrupt.jpg", full[: len(full) // 3]),
        "text": write(folder / "notes.txt", b"not a photo\n"),
    }
