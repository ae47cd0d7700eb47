"""``skinlab report ANALYSIS_ID --out FILE.pdf`` end to end on a real data directory, with real
photos analysed and saved the way the kiosk saves them."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import pytest
import skimage.data
from pypdf import PdfReader

import app.cli
from app.context import AppContext
from app.reports import OVERALL, build_report_data
from core.analysis import METRIC_NAMES, analyze
from core.config import load_settings
from core.errors import NotFoundError
from core.storage.repositories import users
from core.storage.results import save_analysis

CLINIC = "Riverside Dermatology"


def _jpeg() -> bytes:
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR))
    assert ok
    return bytes(encoded.tobytes())


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A data directory with a patient's two visits (a month apart) and one guest analysis."""
    data_dir = tmp_path_factory.mktemp("data")
    (data_dir / "settings.toml").write_text(f'clinic_name = "{CLINIC}"\n', encoding="utf-8")
    ctx = AppContext(load_settings(data_dir=data_dir))
    photo = _jpeg()
    today = analyze(photo).to_json()
    earlier = {
        **today,
        "analysis_id": str(uuid.uuid4()),
        "created_at": (datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="seconds"),
        "skin_score": today["skin_score"] - 7,
        "metrics": {**today["metrics"], "redness": today["metrics"]["redness"] + 12},
    }
    guest = {**today, "analysis_id": str(uuid.uuid4())}
    try:
        with ctx.database.write() as session:
            user = users.create(
                session, email="ada@example.org", first_name="Ada", last_name="Lovelace"
            )
            for result in (earlier, today):
                save_analysis(session, ctx.images, result=result, user_id=user.user_id, image=photo)
            save_analysis(session, ctx.images, result=guest, user_id=None, image=photo)
    finally:
        ctx.close()
    return {"dir": data_dir, "today": today, "earlier": earlier, "guest": guest}


def _report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path, *args: str
) -> tuple[int, str, str]:
    code = app.cli.main(["--data-dir", str(data_dir), "report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _text(path: Path) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_report_for_a_patient_shows_their_name_clinic_and_change(
    qapp, saved: dict[str, Any], tmp_path: Path, capsys, monkeypatch
) -> None:
    out = tmp_path / "ada.pdf"
    code, stdout, stderr = _report(capsys, monkeypatch, saved["dir"], saved["today"]["analysis_id"],
                                   "--out", str(out))  # fmt: skip
    assert (code, stderr) == (0, "") and stdout.strip() == str(out)
    pages, text = _text(out)
    assert pages == 2
    assert CLINIC.upper() in text and "Prepared for Ada Lovelace" in text
    assert "\u25b2 +7 since your last visit" in text and "\u25bc \u221212" in text
    assert "Where we looked" in text and "Tinted where findings are strongest" in text
    assert saved["today"]["disclaimer"] in text


def test_report_for_a_guest_has_no_name_and_no_history(
    qapp, saved: dict[str, Any], tmp_path: Path, capsys, monkeypatch
) -> None:
    out = tmp_path / "guest.pdf"
    code, _, _ = _report(
        capsys, monkeypatch, saved["dir"], saved["guest"]["analysis_id"], "--out", str(out)
    )
    assert code == 0
    _, text = _text(out)
    assert "Guest visit" in text and "Lovelace" not in text and "last visit" not in text


@pytest.mark.parametrize(
    ("analysis_id", "message"),
    [
        ("not-a-uuid", "is not an analysis id"),
        (str(uuid.UUID(int=7)), "There is no analysis"),
    ],
)
def test_unknown_or_malformed_id_is_one_line_and_exit_1(
    saved: dict[str, Any], tmp_path: Path, capsys, monkeypatch, analysis_id: str, message: str
) -> None:
    code, stdout, stderr = _report(capsys, monkeypatch, saved["dir"], analysis_id, "--out",
                                   str(tmp_path / "x.pdf"))  # fmt: skip
    assert code == 1 and stdout == ""
    assert stderr.startswith("skinlab: ") and message in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_unwritable_output_is_one_line_and_exit_1(
    qapp, saved: dict[str, Any], tmp_path: Path, capsys, monkeypatch
) -> None:
    target = tmp_path / "no-such-stick" / "report.pdf"
    code, _, stderr = _report(capsys, monkeypatch, saved["dir"], saved["today"]["analysis_id"],
                              "--out", str(target))  # fmt: skip
    assert code == 1 and "does not exist" in stderr and stderr.count("\n") == 1
    assert not target.parent.exists()


def test_missing_out_is_a_usage_error(saved: dict[str, Any], capsys, monkeypatch) -> None:
    with pytest.raises(SystemExit) as exc:
        _report(capsys, monkeypatch, saved["dir"], saved["today"]["analysis_id"])
    assert exc.value.code == 2


def test_build_report_data_loads_everything(saved: dict[str, Any]) -> None:
    ctx = AppContext(load_settings(data_dir=saved["dir"]))
    try:
        data = build_report_data(ctx, uuid.UUID(saved["today"]["analysis_id"]))
        assert data.clinic_name == CLINIC and data.patient_name == "Ada Lovelace"
        assert data.result["analysis_id"] == saved["today"]["analysis_id"]
        assert data.photo_jpeg == _jpeg()
        measured = set(data.result["metrics"])  # no heat map for a measure the photo cannot support
        assert measured < set(METRIC_NAMES) and set(data.overlays) == {OVERALL, *measured}
        assert all(png.startswith(b"\x89PNG") for png in data.overlays.values())
        assert data.previous is not None
        assert data.previous["skin_score"] == pytest.approx(saved["earlier"]["skin_score"])
        assert data.previous["redness"] == pytest.approx(saved["earlier"]["metrics"]["redness"])
        assert data.analysed_at is not None and data.logo_path is None
        first = build_report_data(ctx, uuid.UUID(saved["earlier"]["analysis_id"]))
        assert first.previous is None  # nothing before the first visit
        with pytest.raises(NotFoundError):
            build_report_data(ctx, uuid.uuid4())
    finally:
        ctx.close()
