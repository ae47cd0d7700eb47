"""Where SkinLab keeps things, known without loading the settings machinery (pydantic): the data
directory, its settings and database files and the folder for data keys, and the clinic's default
name. The start-up reads these before the first window is painted; :mod:`core.config` builds the
typed settings on them."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "SkinLab"
DEFAULT_CLINIC_NAME = "SkinLab Clinic"
SETTINGS_FILE = "settings.toml"
DATABASE_FILE = "skinlab.db"
"""The local database, when the settings name no other (:mod:`core.paths`)."""
KIOSK_FILE = "kiosk.json"
"""The kiosk's own settings, changed on its staff screen (:mod:`app.kiosk.config`)."""
DESKTOP_FILE = "desktop.json"
"""The desktop's settings changed by an administrator (:mod:`app.desktop.admin.settings_store`)."""


def default_key_dir() -> Path:
    """Where data keys are kept when there is no OS keyring: the per-user config folder, which is
    outside the data directory (so a copy of the data does not carry its key)."""
    import platformdirs  # lazy: a window given --data-dir paints without it

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "keys"


def default_data_dir() -> Path:
    """The per-user data directory (platformdirs), unless ``SKINLAB_DATA_DIR`` says otherwise."""
    env = os.environ.get("SKINLAB_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs  # lazy: a window given --data-dir paints without it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_dir_or_default(data_dir: Path | None) -> Path:
    """``--data-dir`` when given, else the default; the rule :func:`core.config.load_settings`
    follows too."""
    return Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
