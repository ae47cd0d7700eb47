"""The bootstrap installs from a hash-pinned lock that matches pyproject.toml, and refuses a stale
one with the command that refreshes it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import bootstrap
from tests.helpers.paths import REPO


def test_the_committed_lock_matches_pyproject() -> None:
    """Fails when a dependency changes in pyproject.toml without `python3 -m app.bootstrap lock`."""
    bootstrap.check_lock(bootstrap.APP_LOCK)
    bootstrap.check_lock(bootstrap.DEV_LOCK)


@pytest.mark.parametrize("lock", [bootstrap.APP_LOCK, bootstrap.DEV_LOCK], ids=["app", "dev"])
def test_every_requirement_is_pinned_with_hashes(lock: Path) -> None:
    text = lock.read_text()
    requirements = re.findall(r"^([A-Za-z0-9._-]+)(==|@| @ )?([^ \\;]*)", text, flags=re.M)
    assert len(requirements) > 40
    assert all(op == "==" for _, op, _ in requirements), [r for r in requirements if r[1] != "=="]
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
    assert all("--hash=sha256:" in block for block in blocks if block.strip())
    pyside = re.search(r"^pyside6==(\d+)\.(\d+)", text, flags=re.M)
    assert pyside is not None and (int(pyside[1]), int(pyside[2])) < (6, 12)
    assert re.search(r"^setuptools==", text, flags=re.M)  # SkinLab is built with a pinned backend


def test_the_lock_covers_linux_windows_and_macos() -> None:
    lock = (REPO / "uv.lock").read_text()
    for package in ("dlib_bin", "pyside6_essentials", "opencv_python_headless"):
        for platform in ("manylinux", "win_amd64", "macosx"):
            assert re.search(rf"{package}-[^\"]*{platform}", lock), (package, platform)


def _stale_copy(tmp_path: Path) -> Path:
    pyproject = tmp_path / "pyproject.toml"
    text = (REPO / "pyproject.toml").read_text()
    pyproject.write_text(
        text.replace('"diskcache>=5.6,<6",', '"diskcache>=5.6,<6",\n    "rich>=13",')
    )
    return pyproject


def test_a_changed_dependency_makes_the_lock_out_of_date(tmp_path: Path) -> None:
    with pytest.raises(bootstrap.LockError) as caught:
        bootstrap.check_lock(bootstrap.APP_LOCK, pyproject=_stale_copy(tmp_path))
    assert "out of date" in str(caught.value) and bootstrap.REFRESH in str(caught.value)


def test_other_sections_of_pyproject_do_not_make_it_stale(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text((REPO / "pyproject.toml").read_text() + "\n[tool.example]\nx = 1\n")
    bootstrap.check_lock(bootstrap.APP_LOCK, pyproject=pyproject)


def test_the_bootstrap_refuses_a_stale_lock_and_says_how_to_refresh_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "requirements" / "app.txt"
    stale.parent.mkdir()
    stale.write_text(bootstrap.INPUTS_PREFIX + "0" * 64 + "\nnumpy==2.0.0 --hash=sha256:00\n")
    monkeypatch.setattr(bootstrap, "APP_LOCK", stale)
    monkeypatch.setattr(bootstrap, "VENV", tmp_path / "venv-never-created")
    assert bootstrap.main(["run", "--version"]) == 3
    err = capsys.readouterr().err
    assert "out of date" in err and "python3 -m app.bootstrap lock" in err
    assert not (tmp_path / "venv-never-created").exists()


def test_a_missing_lock_is_named(tmp_path: Path) -> None:
    with pytest.raises(bootstrap.LockError, match=r"missing.*app\.bootstrap lock"):
        bootstrap.check_lock(tmp_path / "requirements" / "app.txt")
