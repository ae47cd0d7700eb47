"""``skinlab analyze --save --user EMAIL`` stores the result, the photo and a thumbnail."""

from __future__ import annotations

import io
import json
import sys
import uuid

import cv2
import numpy as np
import pytest
from skimage import data

from app.cli import main
from app.context import AppContext
from core.storage.models import SkinAnalysisResult


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "astronaut.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    return path


def _cli(monkeypatch, capsys, *args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_saved_result_matches_the_printed_one(tmp_path, photo, monkeypatch, capsys):
    home = str(tmp_path / "data")
    assert (
        _cli(
            monkeypatch,
            capsys,
            "--data-dir",
            home,
            "users",
            "add",
            "--email",
            "pat@clinic.org",
            "--first-name",
            "Pat",
            "--last-name",
            "Doe",
            "--role",
            "patient",
            "--no-password",
        )[0]
        == 0
    )
    code, out, _ = _cli(
        monkeypatch,
        capsys,
        "--data-dir",
        home,
        "analyze",
        str(photo),
        "--json",
        "--save",
        "--user",
        "PAT@clinic.org",
    )
    assert code == 0
    printed = json.loads(out)
    ctx = AppContext.from_args(tmp_path / "data")
    with ctx.database.read() as session:
        row = session.get(SkinAnalysisResult, uuid.UUID(printed["analysis_id"]))
        assert row is not None and row.user is not None and row.user.email == "pat@clinic.org"
        assert row.skin_score == printed["skin_score"] and row.metrics == printed["metrics"]
        assert ctx.images.read(row.image_sha256) == photo.read_bytes()
        thumb = cv2.imdecode(
            np.frombuffer(ctx.images.read(row.thumbnail_sha256), np.uint8), cv2.IMREAD_COLOR
        )
        assert max(thumb.shape[:2]) <= 256
    ctx.close()
    code, _, _err = _cli(
        monkeypatch,
        capsys,
        "--data-dir",
        home,
        "report",
        printed["analysis_id"],
        "--out",
        str(tmp_path / "r.pdf"),
    )
    assert code == 0 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_save_for_an_unknown_patient_analyses_nothing(tmp_path, photo, monkeypatch, capsys):
    code, out, err = _cli(
        monkeypatch,
        capsys,
        "--data-dir",
        str(tmp_path / "data"),
        "analyze",
        str(photo),
        "--save",
        "--user",
        "nobody@clinic.org",
    )
    assert code == 1 and out == "" and "No account" in err
    ctx = AppContext.from_args(tmp_path / "data")
    with ctx.database.read() as session:
        assert session.query(SkinAnalysisResult).count() == 0
    ctx.close()
