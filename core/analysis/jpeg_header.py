"""Read a JPEG's frame header without decoding it, to refuse bombs and damaged files cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

_SOF_MARKERS: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})


@dataclass(frozen=True)
class JpegHeader:
    width: int
    height: int
    components: int
    scan_offset: int


def read_jpeg_header(data: bytes) -> JpegHeader | None:
    """Frame size and component count from the SOF segment, or None for a damaged stream.

    A stream is accepted only when a start-of-scan segment follows the frame header and an
    end-of-image marker follows the scan, which rejects files truncated in transfer.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    pos, size = 2, len(data)
    frame: tuple[int, int, int] | None = None
    while pos + 4 <= size:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > size:
            return None
        if marker in _SOF_MARKERS and length >= 8:
            height = int.from_bytes(data[pos + 5 : pos + 7], "big")
            width = int.from_bytes(data[pos + 7 : pos + 9], "big")
            frame = (width, height, data[pos + 9])
        elif marker == 0xDA:
            if frame is None or frame[0] == 0 or frame[1] == 0:
                return None
            scan = pos + 2 + length
            if data.rfind(b"\xff\xd9", scan) < 0:
                return None
            return JpegHeader(frame[0], frame[1], frame[2], scan)
        elif marker == 0xD9:
            return None
        pos += 2 + length
    return None
