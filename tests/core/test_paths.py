"""The data directory: created with its sub-folders, or refused with a DataDirError."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import core
from core.errors import DataDirError
from core.paths import prepare_data_dir

NOBODY = 65534
SUBFOLDERS = ("images", "cache", "logs", "backups")

_PROBE = """
import json, sys
from pathlib import Path
from core.errors import DataDirError
from core.paths import prepare_data_dir
try:
    prepare_data_dir(Path(sys.argv[1]))
    print(json.dumps({"error": None}))
except DataDirError as exc:
    print(json.dumps({"error": type(exc).__name__, "code": exc.code, "message": exc.message}))
"""


def _prepare_as_unprivileged_user(root: Path) -> dict[str, str | None]:
    """Run prepare_data_dir as a user that file modes apply to (root ignores them)."""
    if os.geteuid() != 0:
        try:
            prepare_data_dir(root)
            return {"error": None}
        except DataDirError as exc:
            return {"error": type(exc).__name__, "code": exc.code, "message": exc.message}
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: setpriv is needed to test as an unprivileged user"
    source_root = Path(core.__file__).resolve().parent.parent
    completed = subprocess.run(
        [
            setpriv,
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            sys.executable,
            "-c",
            _PROBE,
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
        env={"PYTHONPATH": str(source_root), "PATH": os.environ.get("PATH", ""), "HOME": "/"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, str | None] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="skinlab-paths-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for folder in [base, *base.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base)


def test_the_tree_is_created_and_writable(tmp_path: Path) -> None:
    root = tmp_path / "new" / "nested" / "SkinLab"
    paths = prepare_data_dir(root)
    assert paths.root == root.resolve()
    for name in SUBFOLDERS:
        assert (root / name).is_dir()
    assert paths.database.parent == paths.root
    assert paths.images == root / "images" and paths.backups == root / "backups"
    assert [p.name for p in root.iterdir() if p.name.startswith(".write-probe")] == []


def test_preparing_twice_keeps_what_is_there(tmp_path: Path) -> None:
    prepare_data_dir(tmp_path)
    (tmp_path / "images" / "keep.bin").write_bytes(b"data")
    prepare_data_dir(tmp_path)
    assert (tmp_path / "images" / "keep.bin").read_bytes() == b"data"


def test_a_relative_or_home_path_is_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert prepare_data_dir(Path("~/skinlab")).root == (tmp_path / "skinlab").resolve()
    monkeypatch.chdir(tmp_path)
    assert prepare_data_dir(Path("relative")).root == (tmp_path / "relative").resolve()


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "skinlab"
    a_file.write_text("not a folder")
    with pytest.raises(DataDirError) as caught:
        prepare_data_dir(a_file)
    assert str(a_file) in caught.value.message
    assert "--data-dir" in caught.value.message
    assert a_file.read_text() == "not a folder"


def test_a_folder_under_a_file_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "skinlab"
    a_file.write_text("not a folder")
    with pytest.raises(DataDirError):
        prepare_data_dir(a_file / "data")


def test_a_read_only_folder_is_refused_and_left_empty(shared_dir: Path) -> None:
    root = shared_dir / "data"
    root.mkdir()
    root.chmod(0o555)
    result = _prepare_as_unprivileged_user(root)
    assert result["error"] == "DataDirError", result
    assert result["code"] == "data_dir_unusable"
    assert str(root) in str(result["message"])
    assert list(root.iterdir()) == []


def test_a_missing_folder_under_a_read_only_parent_is_refused(shared_dir: Path) -> None:
    parent = shared_dir / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    result = _prepare_as_unprivileged_user(parent / "data")
    assert result["error"] == "DataDirError", result
    assert not (parent / "data").exists()


def test_a_writable_shared_folder_is_accepted_by_the_unprivileged_user(shared_dir: Path) -> None:
    root = shared_dir / "open"
    root.mkdir()
    root.chmod(0o777)
    assert _prepare_as_unprivileged_user(root) == {"error": None}
    for name in SUBFOLDERS:
        assert (root / name).is_dir()
