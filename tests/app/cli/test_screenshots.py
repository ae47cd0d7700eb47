"""``skinlab screenshots`` renders every screen to a PNG of the asked size."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from app.cli.screenshots import parse_size
from app.desktop.screenshots import render_screens
from core.errors import ValidationError


def test_every_screen_is_rendered_at_the_requested_size(qtbot, tmp_path):
    files = render_screens(tmp_path, size=(1024, 700))
    names = {f.stem for f in files}
    assert {
        "desktop-first-run",
        "desktop-sign-in",
        "desktop-sign-in-locked",
        "desktop-patients",
        "desktop-patients-search",
        "desktop-new-patient",
        "desktop-record",
        "desktop-edit-conflict",
        "desktop-analysis",
        "desktop-compare",
        "desktop-compare-slider",
        "desktop-compare-dark",
        "desktop-locked",
        "desktop-import-done",
        "desktop-reports",
        "desktop-admin-accounts",
        "desktop-admin-audit",
    } <= names
    dialogs = {"desktop-new-patient", "desktop-edit-conflict"}  # the editor window alone
    for path in files:
        image = QImage(str(path))
        if path.stem not in dialogs:
            assert (image.width(), image.height()) == (1024, 700), path
        # Not blank: a rendered screen has many distinct colours (text, card, buttons).
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 16)
            for y in range(0, image.height(), 16)
        }
        assert len(colours) > 3, path


@pytest.mark.parametrize("text", ["big", "100x100", "99999x800", "1280\u00d7800"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(ValidationError):
        parse_size(text)


def test_size_parses():
    assert parse_size(" 1920x1080 ") == (1920, 1080)
