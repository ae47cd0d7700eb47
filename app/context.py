"""Wiring: one object that turns settings into the services the CLI and the UI use."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from core.audit.actions import DATA_ENCRYPTED
from core.auth import AuthService, LockoutPolicy, TokenSettings
from core.auth.secret_key import load_or_create_secret
from core.cache import DiskCache
from core.config import SETTINGS_FILE, Settings, load_settings
from core.errors import ValidationError
from core.logging_setup import configure_logging
from core.paths import DataPaths, prepare_data_dir
from core.privacy.erasure import replay_erasures
from core.privacy.erasure_log import ErasureLog
from core.retention import apply_retention_if_due
from core.security.cipher import FileCipher
from core.security.keys import DataKey, KeyStore
from core.security.permissions import PRIVATE_UMASK
from core.storage import Database, ImageStore
from core.storage.at_rest import Conversion, prepare_at_rest
from core.storage.images import sweep_image_files
from core.storage.instance import ProcessLock, WindowLock
from core.storage.migrate import (
    BackupFailedWarning,
    backup_if_due,
    sweep_partial_backups,
    upgrade,
)
from core.storage.repositories import audit
from core.sync.service import SyncService

log = logging.getLogger(__name__)


class AppContext:
    """Lazily opens what a command needs: a ``--version`` never touches the database."""

    def __init__(self, settings: Settings, *, notify: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.notify = notify or _to_stderr
        self._process_lock: ProcessLock | None = None
        self._opening_database = False  # the start-up sequence shares the process lock itself
        self._window_lock: WindowLock | None = None
        self._log_once_open: list[str] = []  # warnings from before the log file was opened

    @classmethod
    def from_args(
        cls, data_dir: Path | None, *, notify: Callable[[str], None] | None = None
    ) -> AppContext:
        """Settings for ``data_dir``; a damaged settings file is set aside for the defaults, and
        the person is told which file was ignored (a kiosk must start)."""
        try:
            return cls(load_settings(data_dir=data_dir), notify=notify)
        except ValidationError as exc:
            problem = exc
            try:
                settings = load_settings(data_dir=data_dir, ignore_file=True)
            except ValidationError:
                raise exc from None  # the environment is wrong too: not the file's fault
        ctx = cls(settings, notify=notify)
        message = (
            f"Ignored the settings file {settings.data_dir / SETTINGS_FILE} ({problem.message}); "
            "started with the default settings."
        )
        ctx.notify(message)
        ctx._log_once_open.append(message)
        return ctx

    @cached_property
    def paths(self) -> DataPaths:
        if os.name == "posix":
            os.umask(PRIVATE_UMASK)  # everything this process creates is owner-only
        paths = prepare_data_dir(self.settings.data_dir)
        configure_logging(paths.logs, level=self.settings.log_level)
        for message in self._log_once_open:
            log.warning("%s", message)
        return paths

    def _hold_process_lock(self) -> ProcessLock:
        """This process's lock on the data directory: exclusive if it started alone, until shared."""
        if self._process_lock is None:
            self._process_lock = ProcessLock(self.paths.root)
        return self._process_lock

    @cached_property
    def at_rest(self) -> tuple[DataKey, Conversion]:
        """The data key (refusing to start without the right one) and what was encrypted now.

        Older files are rewritten only under the process lock held alone; beside another SkinLab
        process a start that needs a rewrite stops (DataDirUpgradeBusyError), changing nothing.
        """
        lock = self._hold_process_lock()
        store = KeyStore(self.settings.key_dir, mode=self.settings.key_store)
        may_rewrite = lock.exclusive or not lock.enforced  # no locks (Windows): as before
        try:
            return prepare_at_rest(self.paths, store, may_rewrite=may_rewrite)
        finally:
            if not self._opening_database:
                lock.share()

    @property
    def data_key(self) -> DataKey:
        return self.at_rest[0]

    def _open_database(self) -> Database:
        return Database(
            self.settings.resolved_database_url,
            synchronous=self.settings.sqlite_synchronous,
            key=self.data_key.database_key,  # used for SQLite only; the server's PostgreSQL is not ours
        )

    @cached_property
    def database(self) -> Database:
        """The database, backed up (before a migration, and daily) and migrated before first use."""
        paths = self.paths
        lock = self._hold_process_lock()  # before any file is rewritten (at_rest) or swept
        self._opening_database = True
        db: Database | None = None
        try:
            db = self._open_database()
            existed = db.sqlite_path is not None and db.sqlite_path.exists()  # before connecting
            if existed:
                db.probe()  # a damaged file is reported as such, not as a failed backup
                try:
                    backup_if_due(db, paths.backups)
                except BackupFailedWarning as exc:
                    self.notify(f"Warning: {exc.message}. SkinLab carries on without it.")
            upgrade(db, backup_dir=paths.backups)
            converted = self.at_rest[1]
            if converted.anything:
                with db.write() as session:
                    audit.record(session, DATA_ENCRYPTED, details=asdict(converted))
            # A restored backup may hold patients erased since: erase them again before use.
            replay_erasures(db, self.images, self.erasure_log)
            apply_retention_if_due(db, self.images, days=self.settings.retention_days)
            if lock.exclusive:
                self._sweep(db)
        except Exception:
            if db is not None:
                db.dispose()
            lock.close()
            self._process_lock = None
            raise
        finally:
            self._opening_database = False
            lock.share()
        return db

    @cached_property
    def erasure_log(self) -> ErasureLog:
        return ErasureLog(self.paths.erasure_log)

    def _sweep(self, db: Database) -> None:
        """Files a crash left behind: half-written photos and photos whose row never committed."""
        with db.read() as session:
            swept = sweep_image_files(session, self.images)
        backups = sweep_partial_backups(self.paths.backups)
        if backups:
            log.warning("Swept %d half-written backup files left by an earlier crash", backups)
        if swept.partial or swept.orphans:
            log.warning(
                "Swept %d half-written and %d orphan photo files left by an earlier crash",
                swept.partial,
                swept.orphans,
            )

    def claim_window(self) -> None:
        """Refuse a second kiosk or desktop window on this data directory (DataDirBusyError)."""
        if self._window_lock is None:
            self._window_lock = WindowLock(self.paths.root)

    def open_database_unmigrated(self) -> Database:
        """For ``db check``/``db backup``: open without changing anything."""
        self.paths  # noqa: B018  (creates the data directory and logging)
        return self._open_database()

    @cached_property
    def token_settings(self) -> TokenSettings:
        configured = (
            self.settings.secret_key.get_secret_value() if self.settings.secret_key else None
        )
        secret = load_or_create_secret(self.paths.secret_key_file, configured)
        return TokenSettings(
            secret=secret,
            issuer=self.settings.token_issuer,
            audience=self.settings.token_audience,
            lifetime=timedelta(minutes=self.settings.access_token_minutes),
        )

    @cached_property
    def auth(self) -> AuthService:
        policy = LockoutPolicy(
            threshold=self.settings.lockout_threshold,
            duration=timedelta(minutes=self.settings.lockout_minutes),
        )
        return AuthService(self.database, self.token_settings, policy)

    @cached_property
    def cache(self) -> DiskCache:
        key = self.data_key
        return DiskCache(
            self.paths.cache,
            size_limit=self.settings.cache_size_mb * 1024 * 1024,
            cipher=FileCipher(key.file_key),
            key_secret=key.derive("cache-keys-v1"),
        )

    @cached_property
    def images(self) -> ImageStore:
        return ImageStore(self.paths.images, cipher=FileCipher(self.data_key.file_key))

    @cached_property
    def sync(self) -> SyncService:
        return SyncService(
            self.database,
            self.images,
            self.paths.device_key_file,
            erasure_log=self.erasure_log,
            cache=self.cache,
        )

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.dispose()
        if "cache" in self.__dict__:
            self.cache.close()
        for lock in (self._process_lock, self._window_lock):
            if lock is not None:
                lock.close()
        self._process_lock = self._window_lock = None


def _to_stderr(message: str) -> None:
    print(f"skinlab: {message}", file=sys.stderr)
