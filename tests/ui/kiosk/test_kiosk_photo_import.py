"""Import a photo when the camera fails: the kiosk's own list of a USB stick's photos (no file
dialog), read only, nothing outside the stick, and bad files explained."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
from skimage import data

from tests.helpers.kiosk import TIMEOUT, go_to_capture, wait_for_results


def _photo(path: Path, *, scale: float = 1.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rgb = data.astronaut()
    if scale != 1.0:
        rgb = cv2.resize(rgb, None, fx=scale, fy=scale)
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


def _stick(tmp_path: Path) -> Path:
    """A stick as phones and cameras leave them, with things that must not be offered."""
    stick = tmp_path / "stick"
    _photo(stick / "DCIM" / "100CANON" / "IMG_0001.JPG", scale=2.0)
    _photo(stick / "me.png", scale=0.5)
    _photo(stick / ".Trashes" / "old.jpg")  # hidden folder
    _photo(stick / "a" / "b" / "c" / "d" / "deep.jpg")  # deeper than any camera's layout
    (stick / "notes.png").write_text("not a picture")
    (stick / "report.pdf").write_bytes(b"%PDF-1.7")
    outside = _photo(tmp_path / "home" / "private.jpg")
    os.symlink(outside, stick / "link.jpg")  # a link out of the stick
    return stick


def _open_picker(qtbot, win) -> None:
    go_to_capture(qtbot, win)
    qtbot.waitUntil(win.capture.import_button.isVisible, timeout=TIMEOUT)
    win.capture.import_button.click()
    assert win.stack.currentWidget() is win.photos


def test_photos_on_the_stick_are_listed_and_one_is_analysed(qtbot, make_window, services, tmp_path):
    services.drives = [("KINGSTON", _stick(tmp_path))]
    win = make_window("webcam:9")
    _open_picker(qtbot, win)
    qtbot.waitUntil(lambda: bool(win.photos.tiles), timeout=TIMEOUT)
    names = sorted(t.accessibleName() for t in win.photos.tiles)
    assert names == ["IMG_0001.JPG", "me.png"]
    assert all(not t.icon().isNull() for t in win.photos.tiles)
    assert "only read" in win.photos.status.text()
    tile = next(t for t in win.photos.tiles if t.accessibleName() == "IMG_0001.JPG")
    tile.click()
    wait_for_results(qtbot, win)
    assert win.view is not None and 0 <= win.view.result.score.value <= 100


def test_no_stick_says_so_and_looks_again(qtbot, make_window, services, tmp_path):
    win = make_window("webcam:9")
    _open_picker(qtbot, win)
    qtbot.waitUntil(lambda: "No photos found" in win.photos.status.text(), timeout=TIMEOUT)
    services.drives = [("SD CARD", _stick(tmp_path))]
    win.photos.again_button.click()
    qtbot.waitUntil(lambda: len(win.photos.tiles) == 2, timeout=TIMEOUT)
    win.photos.back_button.click()
    assert win.stack.currentWidget() is win.capture


def test_a_file_off_the_stick_is_refused_even_when_asked_for(
    qtbot, make_window, services, tmp_path
):
    stick = _stick(tmp_path)
    services.drives = [("KINGSTON", stick)]
    win = make_window("webcam:9")
    _open_picker(qtbot, win)
    qtbot.waitUntil(lambda: len(win.photos.tiles) == 2, timeout=TIMEOUT)
    for path in (tmp_path / "home" / "private.jpg", stick / "link.jpg", stick / ".." / "home"):
        win.photos.status.setText("")
        win.analyse_file(path)  # as a forged or stale tile would
        qtbot.waitUntil(lambda: win.photos.status.text() != "", timeout=TIMEOUT)
        assert "only reads and writes USB sticks" in win.photos.status.text()
        assert win.stack.currentWidget() is win.photos


def test_a_broken_photo_on_the_stick_is_explained(qtbot, make_window, services, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "notes.png").write_text("hello")
    services.drives = [("KINGSTON", stick)]
    win = make_window("webcam:9")
    _open_picker(qtbot, win)
    qtbot.waitUntil(lambda: "No photos found" in win.photos.status.text(), timeout=TIMEOUT)
    win.analyse_file(stick / "notes.png")
    qtbot.waitUntil(lambda: "No photos" not in win.photos.status.text(), timeout=TIMEOUT)
    assert "not" in win.photos.status.text().lower()
    assert not win.toast.isVisible()


def test_a_phone_photo_from_the_stick_keeps_its_pixels(services, tmp_path):
    """A 12 MP photo was decoded at 2312 px: a face 50 px between the eyes measured 25 and was
    refused as too small, and faces of 100-120 px lost five of their nine measures (acceptance
    test, session 17). The engine measures it as the command line does."""
    photo = tmp_path / "stick" / "DCIM" / "IMG_0002.JPG"
    photo.parent.mkdir(parents=True)
    cv2.imwrite(
        str(photo), cv2.resize(cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR), (4624, 2600))
    )
    services.drives = [("KINGSTON", tmp_path / "stick")]
    assert services.load_photo(photo).shape[:2] == (2600, 4624)
