"""One typed settings object: defaults < ``settings.toml`` in the data directory < ``SKINLAB_*``
environment variables < explicit overrides (command-line flags)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from core.errors import DataDirError, ValidationError
from core.locations import (
    APP_NAME,
    DATABASE_FILE,
    DEFAULT_CLINIC_NAME,
    SETTINGS_FILE,
    data_dir_or_default,
    default_data_dir,
    default_key_dir,
)
from core.storage.database import sqlite_url

__all__ = [
    "APP_NAME",
    "SETTINGS_FILE",
    "Settings",
    "default_data_dir",
    "default_key_dir",
    "load_settings",
]


class Settings(BaseSettings):
    """Everything a SkinLab process can be configured with."""

    model_config = SettingsConfigDict(env_prefix="SKINLAB_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    secret_key: SecretStr | None = None
    token_issuer: str = "skinlab"
    token_audience: str = "skinlab-local"
    access_token_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    lockout_threshold: int = Field(default=5, ge=1, le=100)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    cache_size_mb: int = Field(default=256, ge=1)
    log_level: str = "INFO"
    sqlite_synchronous: str = "FULL"
    clinic_name: str = DEFAULT_CLINIC_NAME
    kiosk_idle_seconds: int = Field(default=90, ge=10)
    kiosk_emails_per_visit: int = Field(default=3, ge=1, le=50)
    """Reports one kiosk visit may email (app.kiosk.mail_limits)."""
    kiosk_emails_per_hour: int = Field(default=20, ge=1, le=10_000)
    """Reports one kiosk may email in any hour, all visits together: not a mail relay."""
    # The desktop locks after this long without a key press or mouse move (HIPAA automatic logoff;
    # OWASP puts low-risk sessions at 15-30 minutes, high-value ones at 2-5).
    desktop_idle_lock_minutes: int = Field(default=10, ge=1, le=24 * 60)
    desktop_theme: str = "light"
    retention_days: int | None = None
    """How long the clinic keeps analyses, photos and sent reports (days, > 0); None: until erased."""
    key_dir: Path = Field(default_factory=default_key_dir)
    key_store: Literal["auto", "keyring", "file"] = "auto"
    clinic_logo: Path | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "skinlab@localhost"
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("log_level must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("desktop_theme")
    @classmethod
    def _known_theme(cls, value: str) -> str:
        theme = value.strip().lower()
        if theme not in {"light", "dark"}:
            raise ValueError("desktop_theme must be light or dark")
        return theme

    @field_validator("sqlite_synchronous")
    @classmethod
    def _known_sync(cls, value: str) -> str:
        mode = value.upper()
        if mode not in {"NORMAL", "FULL", "EXTRA"}:
            raise ValueError("sqlite_synchronous must be NORMAL, FULL or EXTRA")
        return mode

    @field_validator("retention_days")
    @classmethod
    def _positive_retention(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError("retention_days must be a whole number of days above zero")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return sqlite_url(self.data_dir / DATABASE_FILE)

    @property
    def settings_file(self) -> Path:
        return self.data_dir / SETTINGS_FILE


def _check_toml(path: Path) -> None:
    try:
        if not path.is_file():
            return
        tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataDirError(
            f"The data directory {path.parent} cannot be read ({exc.strerror or exc}). "
            "Choose another folder with --data-dir, or fix its permissions."
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"The settings file {path} cannot be read: {exc}") from exc


def load_settings(
    *, data_dir: Path | None = None, ignore_file: bool = False, **overrides: Any
) -> Settings:
    """Build the settings for a data directory, reading its ``settings.toml`` when present
    (unless ``ignore_file``: the start-up fallback when that file is damaged)."""
    directory = data_dir_or_default(data_dir)
    toml_file = directory / SETTINGS_FILE
    if not ignore_file:
        _check_toml(toml_file)

    class _BoundSettings(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            if ignore_file:
                return (init_settings, env_settings)
            toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_file)
            return (init_settings, env_settings, toml)

    try:
        return _BoundSettings(data_dir=directory, **overrides)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ValidationError(f"Invalid setting {where}: {first['msg']}") from exc
