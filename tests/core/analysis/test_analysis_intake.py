"""Intake: every supported format decodes to upright 8-bit RGB; every bad input gets a typed error."""

from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zlib
from collections.abc import Callable

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from core.analysis import AnalysisInputError, analyze, finding
from core.analysis.intake import DecodedImage, load_image


def encode(rgb: np.ndarray, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, fmt, **params)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` with almost no pixel data: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_with_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its frame header rewritten to claim another size."""
    out = bytearray(data)
    pos = 2
    while pos < len(out):
        marker, length = out[pos + 1], int.from_bytes(out[pos + 2 : pos + 4], "big")
        if 0xC0 <= marker <= 0xC2:
            out[pos + 5 : pos + 7] = height.to_bytes(2, "big")
            out[pos + 7 : pos + 9] = width.to_bytes(2, "big")
            return bytes(out)
        pos += 2 + length
    raise AssertionError("no SOF marker")


def assert_code(source: object, code: str) -> AnalysisInputError:
    with pytest.raises(AnalysisInputError) as info:
        load_image(source)  # type: ignore[arg-type]
    assert info.value.code == code, info.value.message
    assert info.value.message
    return info.value


@pytest.fixture(scope="module")
def small(astronaut: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(cv2.resize(astronaut, (128, 96), interpolation=cv2.INTER_AREA))


# --- one test per error code -------------------------------------------------------------------


def test_zero_byte_file_is_unreadable(tmp_path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert_code(path, "unreadable_image")


def test_missing_file_and_directory_are_unreadable(tmp_path) -> None:
    assert_code(tmp_path / "nope.jpg", "unreadable_image")
    assert_code(tmp_path, "unreadable_image")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "BMP"])
def test_truncated_files_are_unreadable(small: np.ndarray, fmt: str) -> None:
    data = encode(small, fmt)
    assert_code(data[: len(data) // 2], "unreadable_image")


def test_text_and_unknown_formats_are_unsupported(small: np.ndarray) -> None:
    assert_code(b"name,score\nalice,3\n" * 20, "unsupported_format")
    assert_code(encode(small, "GIF"), "unsupported_format")
    assert_code(12345, "unsupported_format")
    assert_code(np.zeros((100, 100, 2), np.uint8), "unsupported_format")


def test_tiny_image_is_too_small(small: np.ndarray) -> None:
    assert_code(encode(small[:40, :40], "PNG"), "too_small")
    assert_code(np.zeros((30, 500, 3), np.uint8), "too_small")


def _peak_bytes(action: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_png_bomb_header_is_refused_before_decoding() -> None:
    """Refused from the header: decoding 20,000 x 20,000 pixels would need 1.2 GB."""

    def refuse() -> None:
        assert_code(png_header_only(20_000, 20_000), "too_large")
        assert_code(png_header_only(12_000, 10_000), "too_large")

    assert _peak_bytes(refuse) < 50 * 2**20


def test_jpeg_bomb_header_is_refused_before_decoding(small: np.ndarray) -> None:
    data = jpeg_with_size(encode(small, "JPEG"), 60_000, 60_000)
    assert _peak_bytes(lambda: assert_code(data, "too_large")) < 50 * 2**20


def test_photo_without_a_person_has_no_face(shared_photo) -> None:
    with pytest.raises(AnalysisInputError) as info:
        analyze(shared_photo("dlib_dogs.jpg"))
    assert info.value.code == "no_face"


def test_blank_picture_has_no_face() -> None:
    gradient = np.tile(np.linspace(40, 220, 400, dtype=np.uint8)[None, :, None], (300, 1, 3))
    with pytest.raises(AnalysisInputError) as info:
        analyze(gradient)
    assert info.value.code == "no_face"


# --- formats and pixel layouts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "tolerance"), [("PNG", 0), ("BMP", 0), ("TIFF", 0), ("WEBP", 12), ("JPEG", 12)]
)
def test_formats_decode_to_the_same_pixels(small: np.ndarray, fmt: str, tolerance: int) -> None:
    params = {"lossless": True} if fmt == "WEBP" else {}
    image = load_image(encode(small, fmt, **params))
    assert isinstance(image, DecodedImage)
    assert image.rgb.shape == small.shape and image.rgb.dtype == np.uint8
    assert np.abs(image.rgb.astype(int) - small).mean() <= max(tolerance, 0.5)
    assert image.format == fmt.lower()


def test_alpha_png_is_flattened(small: np.ndarray) -> None:
    rgba = np.dstack([small, np.full(small.shape[:2], 255, np.uint8)])
    rgba[:10, :10, 3] = 0
    image = load_image(encode(rgba, "PNG"))
    assert image.rgb.shape == small.shape
    assert np.array_equal(image.rgb[20:, 20:], small[20:, 20:])
    assert np.all(image.rgb[:10, :10] == 128)


def test_grayscale_palette_and_cmyk_become_rgb(small: np.ndarray) -> None:
    gray = load_image(encode(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), "PNG"))
    assert gray.rgb.shape == small.shape and np.array_equal(gray.rgb[..., 0], gray.rgb[..., 2])
    palette = Image.fromarray(small).quantize(64)
    buf = io.BytesIO()
    palette.save(buf, "PNG")
    assert np.abs(load_image(buf.getvalue()).rgb.astype(int) - small).mean() < 8
    buf = io.BytesIO()
    Image.fromarray(small).convert("CMYK").save(buf, "JPEG", quality=95)
    assert np.abs(load_image(buf.getvalue()).rgb.astype(int) - small).mean() < 8


def test_sixteen_bit_png_is_scaled_not_clipped(small: np.ndarray) -> None:
    wide = small.astype(np.uint16) * 257
    ok, data = cv2.imencode(".png", wide[:, :, ::-1])
    assert ok
    assert np.abs(load_image(data.tobytes()).rgb.astype(int) - small).max() <= 1
    gray16 = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.uint16) * 257
    ok, data = cv2.imencode(".png", gray16)
    decoded = load_image(data.tobytes()).rgb[..., 0]
    assert np.abs(decoded.astype(int) - (gray16 // 257)).max() <= 1


@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_exif_orientation_is_applied(small: np.ndarray, orientation: int) -> None:
    stored = {6: np.rot90(small, 1), 8: np.rot90(small, -1), 3: np.rot90(small, 2)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    for fmt in ("JPEG", "WEBP"):
        image = load_image(encode(np.ascontiguousarray(stored), fmt, exif=exif, quality=95))
        assert image.rgb.shape == small.shape, fmt
        assert np.abs(image.rgb.astype(int) - small).mean() < 10, fmt
        assert image.original_size == (small.shape[1], small.shape[0])


def test_exif_rotated_portrait_is_analysed_upright(portrait: np.ndarray) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(np.ascontiguousarray(np.rot90(portrait, 1)), "JPEG", exif=exif, quality=92)
    result = analyze(data)
    assert result.image_size == {"width": portrait.shape[1], "height": portrait.shape[0]}
    assert result.quality["checks"]["head_roll"]["value"] < 10


def test_large_jpeg_is_decoded_reduced(portrait: np.ndarray) -> None:
    big = cv2.resize(portrait, (4000, 4000), interpolation=cv2.INTER_LINEAR)
    image = load_image(encode(big, "JPEG", quality=85))
    assert image.decode_scale == 0.5 and image.width == 2000
    assert image.original_size == (4000, 4000)
    assert load_image(encode(big, "JPEG"), decode_long_side=None).width == 4000


@pytest.mark.parametrize("name", ["rose_leslie_img1.jpg", "dlib_bald_guys.jpg"])
@pytest.mark.parametrize("reduction", [1, 2, 4])
def test_jpeg_is_decoded_to_the_pixels_of_a_bgr_decode(shared_photo, name, reduction) -> None:
    """The decode straight to RGB gives exactly OpenCV's BGR decode with its channels swapped."""
    data = shared_photo(name).read_bytes()
    flag = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4}
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), flag[reduction])
    long_side = max(Image.open(io.BytesIO(data)).size) // reduction
    image = load_image(data, decode_long_side=long_side if reduction > 1 else None)
    assert image.decode_scale == pytest.approx(1 / reduction, rel=0.01)
    assert np.array_equal(image.rgb, bgr[:, :, ::-1])


def test_landscape_with_a_face_at_one_side_is_decoded_once(portrait, monkeypatch) -> None:
    """4000x2250 with the face on the right, 168 px between the eyes: one decode at 1/2 holds the
    face at 84 px, enough for every canvas; no second, full-size decode."""
    frame = np.full((2250, 4000, 3), 90, np.uint8)
    face = cv2.resize(portrait, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_LINEAR)
    frame[:2048, 1900 : 1900 + 2048] = face
    decodes = []
    real = finding.load_image
    monkeypatch.setattr(finding, "load_image", lambda *a, **k: decodes.append(k) or real(*a, **k))
    result = analyze(encode(frame, "JPEG", quality=90))
    assert len(decodes) == 1 and result.face["interocular_px"] >= 150


def test_arrays_of_other_dtypes(small: np.ndarray) -> None:
    assert np.array_equal(load_image(small.astype(np.float32) / 255.0).rgb, small)
    assert np.array_equal(load_image(small.astype(np.uint16) * 257).rgb, small)
    assert load_image(small[:, :, 0]).rgb.shape == small.shape
    assert (
        load_image(np.dstack([small, np.full(small.shape[:2], 255, np.uint8)])).rgb.shape
        == small.shape
    )


# --- fuzzing: nothing crashes, only the typed error escapes -------------------------------------


def _valid_files() -> list[bytes]:
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 255, (64, 72, 3), dtype=np.uint8)
    return [encode(rgb, fmt) for fmt in ("JPEG", "PNG", "BMP", "TIFF", "WEBP")]


VALID = _valid_files()


def _load_or_typed_error(data: object) -> None:
    try:
        image = load_image(data)  # type: ignore[arg-type]
    except AnalysisInputError as exc:
        assert exc.code in {"unreadable_image", "unsupported_format", "too_small", "too_large"}
        return
    assert image.rgb.dtype == np.uint8 and image.rgb.ndim == 3 and image.rgb.shape[2] == 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_fuzz_random_bytes(data: bytes) -> None:
    _load_or_typed_error(data)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(range(len(VALID))),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=12),
    st.integers(0, 20_000),
)
def test_fuzz_damaged_real_files(which: int, flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(VALID[which])
    for pos, value in flips:
        data[pos % len(data)] = value
    _load_or_typed_error(bytes(data[: max(1, len(data) - cut % len(data))]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.uint16, np.float32, np.float64, np.int32, np.bool_]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=80),
    )
)
def test_fuzz_arrays(array: np.ndarray) -> None:
    _load_or_typed_error(array)


def test_the_result_names_the_file_by_its_own_digest(tmp_path, portrait) -> None:
    """The engine hashes the file once (for its cache key) and hands the digest to the decoder:
    the result must still carry the SHA-256 of the file's own bytes, from a path or from bytes."""
    ok, encoded = cv2.imencode(".jpg", portrait[:, :, ::-1])
    assert ok
    path = tmp_path / "portrait.jpg"
    path.write_bytes(encoded.tobytes())
    expected = hashlib.sha256(encoded.tobytes()).hexdigest()
    assert analyze(path).image_sha256 == expected
    assert analyze(encoded.tobytes()).image_sha256 == expected
    assert load_image(encoded.tobytes()).sha256 == expected


def test_an_8_bit_png_is_decoded_without_float_copies_of_the_whole_photo(
    small: np.ndarray,
) -> None:
    """A large 8-bit PNG decodes at full size before it is reduced; its pixels must not pass
    through float copies (an 8000 x 8000 PNG peaked at 3.7 GB that way, now 0.9 GB)."""
    big = np.ascontiguousarray(np.tile(small, (8, 8, 1)))
    data = encode(big, "PNG")
    load_image(data, decode_long_side=None)  # warm: imports and first-use allocations
    tracemalloc.start()
    try:
        decoded = load_image(data, decode_long_side=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.array_equal(decoded.rgb, big)
    assert peak < 3 * big.nbytes  # a float32 copy alone is 4 x
    grey = load_image(encode(big[:, :, 1], "PNG"), decode_long_side=None).rgb
    assert np.array_equal(grey, np.repeat(big[:, :, 1:2], 3, axis=2))


def test_a_large_single_channel_jpeg_keeps_its_size_and_its_face(astronaut) -> None:
    """A 12 MP greyscale JPEG (an infrared or monochrome camera) is decoded reduced by Pillow:
    its size was read after the reduction, so the photo said 2312 x 1300 and a face 118 px
    between the eyes was measured at 60 px, never decoded again (acceptance test, session 17)."""
    grey = cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY)
    face = cv2.resize(grey, None, fx=118 / 42, fy=118 / 42, interpolation=cv2.INTER_AREA)
    frame = np.full((2600, 4624), 128, np.uint8)
    frame[900 : 900 + face.shape[0], 1500 : 1500 + face.shape[1]] = face
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    reduced = load_image(data.tobytes())
    assert reduced.original_size == (4624, 2600)
    assert reduced.decode_scale == pytest.approx(reduced.rgb.shape[1] / 4624)
    result = analyze(data.tobytes()).to_json()
    assert result["image_size"] == {"width": 4624, "height": 2600}
    assert result["scale"]["interocular_px"] == pytest.approx(118, rel=0.05)
