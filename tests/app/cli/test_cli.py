"""The ``skinlab`` command end to end, on real data directories."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.cli import main
from tests.helpers.at_rest import open_sqlite
from tests.helpers.paths import REPO


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def add_user(
    capsys, monkeypatch, data_dir, email="ada@clinic.org", role="admin", password="correct horse"
):
    return run(
        capsys,
        monkeypatch,
        data_dir,
        "users",
        "add",
        "--email",
        email,
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--role",
        role,
        stdin=f"{password}\n",
    )


def test_users_lifecycle(tmp_path, capsys, monkeypatch):
    assert add_user(capsys, monkeypatch, tmp_path)[0] == 0
    assert add_user(capsys, monkeypatch, tmp_path, email="Bob@Clinic.org", role="clinician")[0] == 0
    code, out, _ = run(capsys, monkeypatch, tmp_path, "users", "list")
    assert code == 0
    assert "ada@clinic.org" in out and "bob@clinic.org" in out and "clinician" in out

    assert (
        run(
            capsys,
            monkeypatch,
            tmp_path,
            "users",
            "set-role",
            "--email",
            "bob@clinic.org",
            "--role",
            "admin",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, monkeypatch, tmp_path, "users", "list", "--role", "admin")
    assert "bob@clinic.org" in out

    assert (
        run(capsys, monkeypatch, tmp_path, "users", "deactivate", "--email", "bob@clinic.org")[0]
        == 0
    )
    code, out, _ = run(capsys, monkeypatch, tmp_path, "users", "list")
    bob_line = next(line for line in out.splitlines() if line.startswith("bob@"))
    assert "inactive" in bob_line


def test_unlock_clears_a_lockout(tmp_path, capsys, monkeypatch):
    add_user(capsys, monkeypatch, tmp_path)
    from app.context import AppContext
    from core.errors import AccountLockedError, InvalidCredentialsError

    ctx = AppContext.from_args(tmp_path)
    for _ in range(4):
        with pytest.raises(InvalidCredentialsError):
            ctx.auth.login("ada@clinic.org", "wrong password")
    with pytest.raises(AccountLockedError, match="5 failed"):
        ctx.auth.login("ada@clinic.org", "wrong password")
    ctx.close()
    _code, out, _ = run(capsys, monkeypatch, tmp_path, "users", "list")
    assert any(line.startswith("ada@") and "T" in line.split()[-1] for line in out.splitlines())
    assert (
        run(capsys, monkeypatch, tmp_path, "users", "unlock", "--email", "ada@clinic.org")[0] == 0
    )
    ctx = AppContext.from_args(tmp_path)
    assert ctx.auth.login("ada@clinic.org", "correct horse").role == "admin"
    ctx.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--role", "admin"], "not a valid email"),
        (["--email", "a@b", "--role", "admin"], "not a valid email"),
        (["--email", "ok@clinic.org", "--role", "wizard"], "Unknown role"),
    ],
)
def test_users_add_rejects_bad_fields_before_asking_for_a_password(
    tmp_path, capsys, monkeypatch, args, message
):
    code, _out, err = run(
        capsys,
        monkeypatch,
        tmp_path,
        "users",
        "add",
        "--first-name",
        "A",
        "--last-name",
        "B",
        *args,
        stdin="",
    )
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_duplicate_email_is_refused_and_nothing_changes(tmp_path, capsys, monkeypatch):
    assert add_user(capsys, monkeypatch, tmp_path)[0] == 0
    code, _, err = add_user(capsys, monkeypatch, tmp_path, email="ADA@clinic.org", role="patient")
    assert code == 1 and "already exists" in err
    _, out, _ = run(capsys, monkeypatch, tmp_path, "users", "list")
    assert out.count("ada@clinic.org") == 1 and "patient" not in out


def test_empty_password_is_refused_and_no_account_is_created(tmp_path, capsys, monkeypatch):
    code, _, err = add_user(capsys, monkeypatch, tmp_path, password="")
    assert code == 1 and "must not be empty" in err
    _, out, _ = run(capsys, monkeypatch, tmp_path, "users", "list")
    assert "ada@clinic.org" not in out


def test_password_is_never_accepted_on_the_command_line(tmp_path, capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "--data-dir",
                str(tmp_path),
                "users",
                "add",
                "--email",
                "a@b.org",
                "--first-name",
                "A",
                "--last-name",
                "B",
                "--role",
                "admin",
                "--password",
                "secret123",
            ]
        )
    assert exit_info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_token_and_whoami_round_trip(tmp_path, capsys, monkeypatch):
    add_user(capsys, monkeypatch, tmp_path)
    code, token, _ = run(
        capsys, monkeypatch, tmp_path, "auth", "token", "--email", "ada@clinic.org"
    )
    assert code == 0 and token.count(".") == 2
    code, out, _ = run(capsys, monkeypatch, tmp_path, "auth", "whoami", stdin=token)
    assert (code, out.strip()) == (0, "ada@clinic.org admin")


def test_whoami_rejects_tampered_and_foreign_tokens(tmp_path, capsys, monkeypatch):
    add_user(capsys, monkeypatch, tmp_path)
    other = tmp_path / "other-clinic"
    add_user(capsys, monkeypatch, other)
    _, token, _ = run(capsys, monkeypatch, tmp_path, "auth", "token", "--email", "ada@clinic.org")
    _, foreign, _ = run(capsys, monkeypatch, other, "auth", "token", "--email", "ada@clinic.org")
    header, payload, signature = token.strip().split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    for bad in (f"{header}.{flipped}.{signature}", foreign, "garbage", ""):
        code, out, err = run(capsys, monkeypatch, tmp_path, "auth", "whoami", stdin=bad)
        assert code != 0 and out == ""
        assert len(err.strip().splitlines()) == 1


def test_token_for_unknown_email_fails(tmp_path, capsys, monkeypatch):
    code, out, err = run(
        capsys, monkeypatch, tmp_path, "auth", "token", "--email", "nobody@clinic.org"
    )
    assert code == 1 and out == "" and "No account" in err


def test_db_commands(tmp_path, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, tmp_path, "db", "check")
    assert code == 1 and "no database" in err.lower()
    assert run(capsys, monkeypatch, tmp_path, "db", "upgrade")[0] == 0
    add_user(capsys, monkeypatch, tmp_path)
    code, out, _ = run(capsys, monkeypatch, tmp_path, "db", "check")
    assert code == 0 and out.startswith("healthy")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "db", "backup")
    backup = Path(out.strip())
    assert code == 0 and backup.parent == tmp_path / "backups"
    with open_sqlite(backup) as conn:
        assert conn.execute("select email from users").fetchall() == [("ada@clinic.org",)]


def test_corrupt_database_gives_one_line_and_is_left_alone(tmp_path, capsys, monkeypatch):
    damaged = b"this is not a database at all\n" * 200
    (tmp_path / "skinlab.db").write_bytes(damaged)
    for args in (["users", "list"], ["db", "upgrade"], ["db", "backup"]):
        code, out, err = run(capsys, monkeypatch, tmp_path, *args)
        assert code == 1, args
        assert "damaged" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, monkeypatch, tmp_path, "db", "check")
    assert code == 1 and out.startswith("unhealthy") and "damaged" in out
    assert (tmp_path / "skinlab.db").read_bytes() == damaged


def test_newer_schema_is_refused_untouched(tmp_path, capsys, monkeypatch):
    assert run(capsys, monkeypatch, tmp_path, "db", "upgrade")[0] == 0
    with open_sqlite(tmp_path / "skinlab.db") as conn:
        conn.execute("update alembic_version set version_num = '9999_from_the_future'")
    before = (tmp_path / "skinlab.db").read_bytes()
    code, _, err = run(capsys, monkeypatch, tmp_path, "users", "list")
    assert code == 1 and "newer version of SkinLab" in err
    assert (tmp_path / "skinlab.db").read_bytes() == before


def _as_nobody() -> list[str]:
    return (
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    )


@pytest.fixture
def world_traversable_dir():
    """pytest's tmp_path sits under a 0700 folder; another user needs a path it can reach."""
    path = Path(tempfile.mkdtemp(prefix="skinlab-ro-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_read_only_data_dir_is_reported(world_traversable_dir):
    tmp_path = world_traversable_dir
    data_dir = tmp_path / "readonly"
    data_dir.mkdir()
    data_dir.chmod(0o555)
    result = subprocess.run(
        [*_as_nobody(), sys.executable, "-m", "app", "--data-dir", str(data_dir), "users", "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 1, result.stderr
    assert "not writable" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(data_dir.iterdir()) == []


def test_data_dir_that_is_a_file(tmp_path, capsys, monkeypatch):
    target = tmp_path / "a-file"
    target.write_text("x")
    code, _, err = run(capsys, monkeypatch, target, "users", "list")
    assert code == 1 and "is a file" in err


def test_usage_errors_exit_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["users", "frobnicate"])
    assert exit_info.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_entry_point_runs_as_a_module(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app", "--version"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout.startswith("skinlab ")
    script = Path(sys.executable).with_name("skinlab")
    result = subprocess.run(
        [str(script), "--data-dir", str(tmp_path), "doctor", "--no-camera"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[ok] database" in result.stdout and "[ok] cache" in result.stdout


def test_start_backs_up_an_existing_database_once_a_day(tmp_path, capsys, monkeypatch):
    add_user(
        capsys, monkeypatch, tmp_path
    )  # creates the database: the first start has nothing to copy
    backups = sorted((tmp_path / "backups").glob("skinlab-*.db"))
    assert len(backups) <= 1
    run(capsys, monkeypatch, tmp_path, "users", "list")
    after_second_start = sorted((tmp_path / "backups").glob("skinlab-*.db"))
    assert len(after_second_start) == 1
    with open_sqlite(after_second_start[0]) as conn:
        assert conn.execute("select email from users").fetchall() == [("ada@clinic.org",)]
    run(capsys, monkeypatch, tmp_path, "users", "list")
    assert sorted((tmp_path / "backups").glob("skinlab-*.db")) == after_second_start


def test_version_and_help_load_no_heavy_library() -> None:
    """``--version`` and ``--help`` import neither Qt, OpenCV, dlib, SQLAlchemy nor pydantic."""
    import subprocess
    import sys

    from tests.helpers.paths import REPO

    heavy = ("PySide6", "cv2", "dlib", "sqlalchemy", "pydantic", "numpy", "core.storage")
    for flag in ("--version", "--help"):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "app", flag],
            capture_output=True, text=True, cwd=REPO, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
        assert not [m for m in loaded if m.split(".")[0] in heavy or m in heavy], flag
    assert "analyze" in done.stdout and "sync" in done.stdout


def test_the_help_lines_are_the_commands_own() -> None:
    """The table that lists commands without importing them agrees with what each registers."""
    import argparse

    from app.cli import COMMANDS, build_parser

    parser = build_parser(None)  # every module imported and registered
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    registered = {a.dest: a.help for a in sub._choices_actions}
    assert registered == {name: summary for name, (_, summary) in COMMANDS.items()}
