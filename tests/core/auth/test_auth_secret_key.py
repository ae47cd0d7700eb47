"""The token signing secret: configured, or generated once into an owner-only file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.auth.secret_key import MIN_SECRET_CHARS, load_or_create_secret
from core.errors import SkinLabError

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_a_secret_is_generated_into_an_owner_only_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    secret = load_or_create_secret(path)
    assert len(secret) >= MIN_SECRET_CHARS
    assert path.read_text(encoding="ascii").strip() == secret
    assert _mode(path) == 0o600


@posix_only
def test_the_file_is_owner_only_even_under_a_permissive_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        path = tmp_path / "secret.key"
        load_or_create_secret(path)
    finally:
        os.umask(previous)
    assert _mode(path) == 0o600


def test_the_secret_is_stable_across_calls(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    assert load_or_create_secret(path) == load_or_create_secret(path)


def test_each_installation_gets_its_own_secret(tmp_path: Path) -> None:
    assert load_or_create_secret(tmp_path / "a.key") != load_or_create_secret(tmp_path / "b.key")


def test_a_configured_secret_wins_and_writes_no_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    configured = "c" * MIN_SECRET_CHARS
    assert load_or_create_secret(path, configured) == configured
    assert not path.exists()
    load_or_create_secret(path)  # a file secret exists now...
    assert load_or_create_secret(path, configured) == configured  # ...the configured one still wins


def test_a_too_short_configured_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SkinLabError) as caught:
        load_or_create_secret(tmp_path / "secret.key", "s" * (MIN_SECRET_CHARS - 1))
    assert str(MIN_SECRET_CHARS) in caught.value.message
    assert not (tmp_path / "secret.key").exists()


@posix_only
def test_a_readable_existing_file_is_restricted_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    original = load_or_create_secret(path)
    path.chmod(0o640)
    assert load_or_create_secret(path) == original
    assert _mode(path) == 0o600


@posix_only
def test_a_too_short_file_secret_is_replaced_and_restricted(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text("short", encoding="ascii")
    path.chmod(0o644)
    secret = load_or_create_secret(path)
    assert len(secret) >= MIN_SECRET_CHARS and secret != "short"
    assert path.read_text(encoding="ascii").strip() == secret
    assert _mode(path) == 0o600


@posix_only
@pytest.mark.parametrize("content", [b"\xff\xfe" * 40, b"\x00" * 3], ids=["binary", "nul-bytes"])
def test_a_damaged_secret_file_gives_a_typed_error_or_a_fresh_secret(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "secret.key"
    path.write_bytes(content)
    try:
        secret = load_or_create_secret(path)
    except SkinLabError as exc:  # refusing with a clear message is fine...
        assert str(path) in exc.message
        return
    # ...and so is replacing it with a proper secret; a raw decoding crash is not.
    assert len(secret) >= MIN_SECRET_CHARS
    assert path.read_text(encoding="ascii").strip() == secret
    assert _mode(path) == 0o600
