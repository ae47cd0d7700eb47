"""``skinlab analyze``: one JSON line per input, failures as error objects, exit status 2."""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

import app.cli as cli_main
import app.cli.analyze as cli
from app.context import AppContext
from core import vocabulary as vocab
from core.analysis.result import not_measured
from core.config import load_settings
from tests.helpers.paths import REPO


def args(*paths: Path, **extra) -> argparse.Namespace:
    defaults = {
        "json": True,
        "overlay": None,
        "no_cache": True,
        "fragrance_free": False,
        "pregnancy": False,
        "sensitive": False,
        "save": False,
        "user": None,
    }
    return argparse.Namespace(paths=list(paths), **(defaults | extra))


@pytest.fixture(scope="module")
def photo(tmp_path_factory, portrait) -> Path:
    path = tmp_path_factory.mktemp("cli") / "face.jpg"
    _ok, data = cv2.imencode(".jpg", portrait[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    path.write_bytes(data.tobytes())
    return path


def test_json_lines_with_a_failure(tmp_path, photo, capsys) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    status = cli.handle(args(photo, empty, tmp_path / "missing.jpg"), None)
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 2 and len(lines) == 3
    assert lines[0]["image"] == str(photo) and 0 <= lines[0]["skin_score"] <= 100
    assert lines[1] == {
        "image": str(empty),
        "error": {"code": "unreadable_image", "message": "The file is empty."},
    }
    assert lines[2]["error"]["code"] == "unreadable_image"
    assert "3/3" in err


def test_overlay_and_plain_output(tmp_path, photo, capsys) -> None:
    status = cli.handle(args(photo, json=False, overlay=tmp_path / "ov"), None)
    out, _ = capsys.readouterr()
    assert status == 0 and "skin score" in out
    result = json.loads(
        json.dumps(cli.analyse_one(photo, 1, args(photo), None, None, cli.Preferences()))
    )
    band = vocab.score_band(result["skin_score"]).label
    assert f"skin score {vocab.shown_score(result['skin_score'])} ({band})" in out
    for key in result["metrics"]:  # the clinician's words, estimates marked
        words = vocab.measure(key)
        assert words.clinical_label in out and (not words.estimate or "(estimate)" in out)
    assert "_" not in out.split(";")[1]  # no engine keys such as dark_circles
    written = list((tmp_path / "ov").glob("*.png"))
    assert len(written) == 1 and cv2.imread(str(written[0])) is not None


def test_plain_output_says_what_was_not_measured(tmp_path, portrait, capsys) -> None:
    grey = tmp_path / "grey.jpg"
    _ok, data = cv2.imencode(".jpg", cv2.cvtColor(portrait, cv2.COLOR_RGB2GRAY))
    grey.write_bytes(data.tobytes())
    assert cli.handle(args(grey, json=False), None) == 0
    out, _ = capsys.readouterr()
    assert "tone not measured" in out and "not measured: " in out
    assert vocab.measure("redness").clinical_label in out.split("not measured: ")[1]


def test_save_needs_a_user(photo, capsys) -> None:
    assert cli.handle(args(photo, save=True), None) == 2


def test_through_the_skinlab_command(tmp_path, photo) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--data-dir",
            str(tmp_path / "data"),
            "analyze",
            str(photo),
            str(tmp_path / "nope.jpg"),
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 2, proc.stderr
    assert lines[0]["engine_version"] and lines[1]["error"]["code"] == "unreadable_image"


def test_no_face_input(tmp_path, capsys) -> None:
    path = tmp_path / "wall.png"
    cv2.imwrite(str(path), np.full((300, 400, 3), 200, np.uint8))
    assert cli.handle(args(path), None) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "no_face"


def test_a_measure_not_measured_reads_so_in_the_summary(portrait_result) -> None:
    data = copy.deepcopy(portrait_result.to_json())
    data["metrics"]["pores"] = None
    line = cli.summary_line(cli.AnalysisResult.from_json(data))
    assert "Pores not measured" in line and "Redness " in line


@pytest.fixture(scope="module")
def small_photo(tmp_path_factory, astronaut) -> Path:
    """astronaut() as it is: 43 px between the eyes, so most measures are declined."""
    path = tmp_path_factory.mktemp("cli") / "small.png"
    cv2.imwrite(str(path), astronaut[:, :, ::-1])
    return path


def test_plain_output_gives_each_measure_not_measured_with_its_reason(small_photo, capsys) -> None:
    result = cli.analyse_one(small_photo, 1, args(small_photo), None, None, cli.Preferences())
    declined = not_measured(result)
    assert len(declined) >= 2 and result["skin_type"] == "unknown"
    assert cli.handle(args(small_photo, json=False), None) == 0
    out = capsys.readouterr().out
    for key, reason in declined.items():
        assert f"{vocab.measure(key).clinical_label} \u2014 {reason}\n" in out, key
    assert out.count("not measured: ") == 1
    uses = len(result["skin_score_uses"])
    every = len(result["measures"])
    assert (
        f"({vocab.score_band(result['skin_score']).label}) from {uses} of {every} measures," in out
    )
    kind = vocab.skin_type("unknown")
    assert f"skin type {kind.label.lower()} ({kind.meaning.rstrip('.').lower()})" in out
    assert "not determined skin" not in out


def test_plain_output_of_a_face_with_every_measure_names_no_partial_score(
    shared_photo, capsys
) -> None:
    photo = shared_photo("biden_biden2.jpg")
    result = cli.analyse_one(photo, 1, args(photo), None, None, cli.Preferences())
    assert len(result["skin_score_uses"]) == len(result["measures"])
    assert cli.handle(args(photo, json=False), None) == 0
    out = capsys.readouterr().out
    assert " measures" not in out and "not measured" not in out and "from the cache" not in out


def test_plain_output_says_when_the_result_came_from_the_cache(
    tmp_path, small_photo, capsys
) -> None:
    ctx = AppContext(load_settings(data_dir=tmp_path))
    try:
        assert cli.handle(args(small_photo, no_cache=False), ctx) == 0
        first = json.loads(capsys.readouterr().out)
        assert cli.handle(args(small_photo, json=False, no_cache=False), ctx) == 0
        cached = capsys.readouterr().out
        assert cli.handle(args(small_photo, json=False, no_cache=True), ctx) == 0
        fresh = capsys.readouterr().out
    finally:
        ctx.close()
    analysed = datetime.fromisoformat(first["created_at"]).astimezone()
    assert f"from the cache, analysed {analysed.isoformat(timespec='minutes')}" in cached
    assert "from the cache" not in fresh


def test_plain_output_keeps_the_warnings_of_a_photo_that_passed(small_photo, capsys) -> None:
    """The small astronaut passes the quality check with warnings ('Move closer to the camera');
    the text said only 'photo quality ok' and hid them."""
    result = cli.analyse_one(small_photo, 1, args(small_photo), None, None, cli.Preferences())
    assert result["quality"]["ok"] and result["quality"]["messages"]
    assert cli.handle(args(small_photo, json=False), None) == 0
    out = capsys.readouterr().out
    assert f"photo quality ok ({'; '.join(result['quality']['messages'])})" in out


def test_a_missing_file_and_a_folder_are_named_in_a_persons_words(tmp_path, capsys) -> None:
    missing, folder = tmp_path / "nope.jpg", tmp_path / "photos"
    folder.mkdir()
    assert cli.handle(args(missing, folder), None) == 2
    errors = [json.loads(line)["error"] for line in capsys.readouterr().out.splitlines()]
    assert [e["code"] for e in errors] == ["unreadable_image", "unreadable_image"]
    assert errors[0]["message"] == f"There is no file {missing}: check the name and the folder."
    assert errors[1]["message"] == f"{folder} is a folder, not a photo: name the photo files in it."
    assert not any("Errno" in e["message"] for e in errors)


def test_plain_output_names_the_face_chosen_and_the_regions_left_out(
    tmp_path, portrait, chin_cut_portrait, capsys
) -> None:
    pair, cut = tmp_path / "pair.png", tmp_path / "cut.png"
    cv2.imwrite(str(pair), np.hstack([portrait, portrait[:, ::-1]])[:, :, ::-1])
    cv2.imwrite(str(cut), chin_cut_portrait[:, :, ::-1])
    assert cli.handle(args(pair, cut, json=False), None) == 0
    out = capsys.readouterr().out
    two, one = out.split(f"{cut}: ")
    assert "  face analysed: the face on the" in two and "of two about the same size" in two
    chin = vocab.region_label("chin")
    assert one.count("  left out: ") == 1
    assert f" {chin} \u2014 cut off by the edge of the photo\n" in one
    assert "face analysed" not in one


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path, photo) -> None:
    """``skinlab analyze a b c --json | head -1``: the reader goes after one line."""
    command = [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"), "analyze"]
    proc = subprocess.Popen(
        [*command, str(photo), str(photo), str(photo), "--json", "--no-cache"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = json.loads(proc.stdout.readline())
    proc.stdout.close()  # the reader is gone
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == cli_main.SIGPIPE_EXIT
    assert first["image"] == str(photo)
    assert "Traceback" not in errors and "BrokenPipeError" not in errors
