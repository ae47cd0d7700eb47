"""Settings: defaults < settings.toml in the data directory < SKINLAB_* variables < overrides."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.engine import make_url

from core.config import APP_NAME, SETTINGS_FILE, default_data_dir, load_settings
from core.errors import ValidationError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("SKINLAB_"):
            monkeypatch.delenv(name)


def _toml(data_dir: Path, text: str) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SETTINGS_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.data_dir == tmp_path
    assert settings.lockout_threshold == 5  # the issue: 5 failed logins...
    assert settings.lockout_minutes == 15  # ...lock for 15 minutes
    assert settings.sqlite_synchronous == "FULL"
    assert settings.database_url is None and settings.secret_key is None
    assert settings.access_token_minutes >= 1
    assert settings.settings_file == tmp_path / SETTINGS_FILE


def test_the_default_data_dir_is_the_platform_one() -> None:
    assert default_data_dir() == Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def test_the_data_dir_variable_is_honoured_and_expanded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SKINLAB_DATA_DIR", "~/clinic-data")
    assert default_data_dir() == tmp_path / "clinic-data"
    assert load_settings().data_dir == tmp_path / "clinic-data"


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    with pytest.raises(PydanticValidationError):
        settings.lockout_threshold = 1  # type: ignore[misc]


def test_the_toml_file_in_the_data_dir_is_read(tmp_path: Path) -> None:
    _toml(tmp_path, 'lockout_threshold = 7\nclinic_name = "Hautarzt Mitte"\nlog_level = "debug"\n')
    settings = load_settings(data_dir=tmp_path)
    assert settings.lockout_threshold == 7
    assert settings.clinic_name == "Hautarzt Mitte"
    assert settings.log_level == "DEBUG"


def test_environment_overrides_toml_and_overrides_win(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _toml(tmp_path, "lockout_threshold = 7\nlockout_minutes = 30\n")
    monkeypatch.setenv("SKINLAB_LOCKOUT_THRESHOLD", "9")
    settings = load_settings(data_dir=tmp_path)
    assert settings.lockout_threshold == 9  # from the environment
    assert settings.lockout_minutes == 30  # still from the file
    assert load_settings(data_dir=tmp_path, lockout_threshold=3).lockout_threshold == 3


def test_a_secret_from_the_environment_is_not_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = "s" * 48
    monkeypatch.setenv("SKINLAB_SECRET_KEY", secret)
    settings = load_settings(data_dir=tmp_path)
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == secret
    assert secret not in repr(settings) and secret not in str(settings)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _toml(tmp_path, "lockout_threshold = = 5\n[broken\n")
    with pytest.raises(ValidationError) as caught:
        load_settings(data_dir=tmp_path)
    assert str(path) in caught.value.message


def test_a_settings_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = _toml(tmp_path, "")
    path.write_bytes(b'clinic_name = "\xff\xfe"\n')
    with pytest.raises(ValidationError) as caught:
        load_settings(data_dir=tmp_path)
    assert str(path) in caught.value.message


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        ("lockout_threshold = 0\n", "lockout_threshold"),
        ("lockout_minutes = -5\n", "lockout_minutes"),
        ('access_token_minutes = "soon"\n', "access_token_minutes"),
        ('log_level = "LOUD"\n', "log_level"),
        ('sqlite_synchronous = "OFF"\n', "sqlite_synchronous"),
        ("kiosk_emails_per_visit = 0\n", "kiosk_emails_per_visit"),
        ("kiosk_emails_per_visit = -2\n", "kiosk_emails_per_visit"),
        ('kiosk_emails_per_visit = "many"\n', "kiosk_emails_per_visit"),
        ("kiosk_emails_per_hour = 0\n", "kiosk_emails_per_hour"),
        ("kiosk_emails_per_hour = 1.5\n", "kiosk_emails_per_hour"),
    ],
)
def test_an_invalid_value_names_the_field(tmp_path: Path, toml: str, field: str) -> None:
    _toml(tmp_path, toml)
    with pytest.raises(ValidationError) as caught:
        load_settings(data_dir=tmp_path)
    assert field in caught.value.message


def test_an_invalid_environment_value_names_the_field(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SKINLAB_LOCKOUT_THRESHOLD", "many")
    with pytest.raises(ValidationError) as caught:
        load_settings(data_dir=tmp_path)
    assert "lockout_threshold" in caught.value.message


@pytest.mark.parametrize("folder", ["data", "Clinic #2", "why?", "a%20b"])
def test_the_default_database_lives_in_the_data_dir(tmp_path: Path, folder: str) -> None:
    data_dir = tmp_path / folder
    url = make_url(load_settings(data_dir=data_dir).resolved_database_url)
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(data_dir / "skinlab.db")


def test_a_configured_database_url_is_used_as_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = "postgresql+psycopg://skinlab@db.example.org/skinlab"
    monkeypatch.setenv("SKINLAB_DATABASE_URL", url)
    assert load_settings(data_dir=tmp_path).resolved_database_url == url
