"""Frame sources behind one interface, and the monitor that spots black or frozen cameras."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.capture import (
    CameraDisconnectedError,
    CameraError,
    CameraUnavailableError,
    DemoSource,
    FolderSource,
    Frame,
    VideoFileSource,
    WebcamSource,
    open_source,
)
from core.capture.monitor import FrameMonitor
from core.capture.sources import FFMPEG_PRIORITY, demo_face
from core.errors import MissingResourceError


def test_demo_source_moves_slightly_and_is_repeatable():
    first = DemoSource(seed=3).read().rgb
    again = DemoSource(seed=3)
    frames = [again.read().rgb for _ in range(10)]
    assert frames[0].shape == (720, 1280, 3) and frames[0].dtype == np.uint8
    assert np.array_equal(first, frames[0])
    diffs = [np.abs(a.astype(int) - b).mean() for a, b in itertools.pairwise(frames)]
    assert all(0.5 < d < 20 for d in diffs)  # alive, but no jumps


def test_demo_source_honours_the_asked_size():
    assert DemoSource(width=640, height=480).read().rgb.shape == (480, 640, 3)


def test_folder_source_cycles_through_photos(tmp_path: Path):
    for i, colour in enumerate([(255, 0, 0), (0, 255, 0)]):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((40, 60, 3), colour[::-1], np.uint8))
    (tmp_path / "notes.txt").write_text("not a photo")
    with FolderSource(tmp_path) as source:
        colours = [tuple(source.read().rgb[0, 0]) for _ in range(3)]
    assert colours == [(255, 0, 0), (0, 255, 0), (255, 0, 0)]


def test_video_file_source_reads_and_loops(tmp_path: Path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for value in (20, 120, 220):
        writer.write(np.full((48, 64, 3), value, np.uint8))
    writer.release()
    with VideoFileSource(path) as source:
        levels = [int(source.read().rgb.mean()) for _ in range(4)]
    assert levels[0] < levels[1] < levels[2] and abs(levels[3] - levels[0]) < 10
    with VideoFileSource(path, loop=False) as source, pytest.raises(CameraDisconnectedError):
        for _ in range(4):
            source.read()


@pytest.mark.parametrize("spec", ["webcam:97", "folder:/no/such/folder", "file:/no/such/video.mp4"])
def test_missing_devices_raise_a_camera_error_with_a_message(spec):
    with pytest.raises(CameraUnavailableError) as info:
        open_source(spec).open()
    assert info.value.message and "." in info.value.message


def test_no_webcam_here_gives_a_clear_error():
    with pytest.raises(CameraError, match="camera"):
        WebcamSource(41).open()


@pytest.mark.parametrize("spec", ["", "telescope", "webcam:left"])
def test_bad_camera_specs(spec):
    with pytest.raises(CameraUnavailableError, match=r"webcam|camera"):
        open_source(spec)


def test_auto_falls_back_to_the_demo_camera_without_a_webcam():
    assert isinstance(open_source("auto"), DemoSource)


def test_monitor_spots_black_and_frozen_pictures():
    monitor = FrameMonitor(frozen_after=5)
    black = Frame(np.zeros((72, 128, 3), np.uint8), 0.0, 1)
    assert monitor.check(black).black and "black" in monitor.check(black).message
    still = Frame(np.full((72, 128, 3), 128, np.uint8), 0.0, 1)
    health = [monitor.check(still) for _ in range(7)]
    assert not health[0].frozen and health[-1].frozen and "frozen" in health[-1].message
    moving = DemoSource(width=320, height=180)
    assert not any(monitor.check(moving.read()).frozen for _ in range(10))


def test_the_demo_face_is_a_resource_identical_to_scikit_images_astronaut():
    from skimage import data  # the test's reference only: the app no longer imports scikit-image

    assert np.array_equal(demo_face(), data.astronaut())


def test_a_missing_demo_face_is_a_typed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SKINLAB_RESOURCES_DIR", str(tmp_path))
    with pytest.raises(MissingResourceError, match=r"astronaut\.png"):
        demo_face()
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "astronaut.png").write_bytes(b"not a png")
    with pytest.raises(MissingResourceError, match="cannot read its demo face"):
        demo_face()


@pytest.mark.parametrize(("ffmpeg_off", "says_formats"), [(None, False), ("0", True)])
def test_a_video_that_cannot_be_played_says_what_this_installation_plays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ffmpeg_off: str | None, says_formats: bool
) -> None:
    """The built app turns OpenCV's FFmpeg reader off (packaging/rth_opencv_video.py): a video it
    cannot play then names the one format it can, and how to convert to it."""
    cv2.videoio_registry.getBackends()  # OpenCV reads the switch once: not from this test's value
    if ffmpeg_off is None:
        monkeypatch.delenv(FFMPEG_PRIORITY, raising=False)
    else:
        monkeypatch.setenv(FFMPEG_PRIORITY, ffmpeg_off)
    broken = tmp_path / "visit.mp4"
    broken.write_bytes(b"not a video at all")
    with pytest.raises(CameraUnavailableError, match="cannot be played") as raised:
        VideoFileSource(broken).open()
    assert ("Motion-JPEG AVI" in str(raised.value)) is says_formats
