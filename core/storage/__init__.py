"""Storage: typed models, engine and units of work, migrations, content-addressed images."""

from core.storage.database import Database, sqlite_url
from core.storage.health import HealthReport, check_db_health
from core.storage.images import ImageStore, save_image, sha256_hex
from core.storage.migrate import upgrade

__all__ = [
    "Database",
    "HealthReport",
    "ImageStore",
    "check_db_health",
    "save_image",
    "sha256_hex",
    "sqlite_url",
    "upgrade",
]
