"""A typical flow through the real services, then a scan of the data and temp folders: no image,
PDF, name or email readable anywhere, every file 0600 and every folder 0700."""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import pytest
from skimage import data

from app.analysis_store import save_result
from app.context import AppContext
from app.reports import build_report_data
from core.analysis import analyze
from core.config import load_settings
from core.mail import queue_email
from tests.helpers.scan import scan_for_leaks
from ui.reports.pdf import ensure_gui_app, render_pdf_bytes

NAME, SURNAME, EMAIL = "Philippa", "Quennell", "philippa.quennell@example.org"


def test_nothing_readable_is_left_after_a_typical_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    photo = tmp_path / "photo.jpg"  # the camera's own file, outside SkinLab's folders
    cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    root = tmp_path / "data"
    ctx = AppContext(load_settings(data_dir=root))
    try:
        user_id = ctx.auth.register(
            email=EMAIL, first_name=NAME, last_name=SURNAME, role="patient", password="a long pass"
        )
        ctx.auth.login(EMAIL, "a long pass")
        analyze(photo, cache=ctx.cache)  # the cache now holds this photo's result
        result = analyze(photo, cache=ctx.cache, need_visuals=True)
        analysis_id = save_result(ctx, result, source=photo, user_id=user_id)
        ensure_gui_app()
        pdf = render_pdf_bytes(build_report_data(ctx, analysis_id))
        assert pdf.startswith(b"%PDF-1.")
        with ctx.database.write() as session:
            queue_email(
                session,
                ctx.images,
                to=EMAIL,
                subject="Your report",
                body="Attached.",
                attachment_name="report.pdf",
                attachment=pdf,
            )
        assert ctx.cache.volume() > 0
    finally:
        ctx.close()
    problems = scan_for_leaks([root, scratch], secrets=[NAME, SURNAME, EMAIL])
    assert problems == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The scanner itself: a plain photo, a name in a file, and a loose mode are all reported."""
    folder = tmp_path / "plain"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    _ok, buffer = cv2.imencode(".jpg", data.astronaut())
    (folder / "blob").write_bytes(b"header" + buffer.tobytes())
    (folder / "notes.txt").write_text(f"called {NAME.upper()} today")
    (folder / "notes.txt").chmod(0o644)
    found = "\n".join(scan_for_leaks([folder], secrets=[NAME]))
    assert (
        "JPEG" in found and repr(NAME) in found and "folder mode" in found and "file mode" in found
    )
