"""Typed errors with a stable ``code`` and a message a person can act on.

Every layer raises a subclass of :class:`SkinLabError`; the CLI prints ``message`` on one line and
exits non-zero, the UI shows it, the server maps it to an HTTP status.
"""

from __future__ import annotations


class SkinLabError(Exception):
    """Base of every error SkinLab raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ValidationError(SkinLabError):
    """Input that does not meet a rule (malformed email, empty password, unknown role...)."""

    code = "invalid_input"


class NotFoundError(SkinLabError):
    code = "not_found"


class ConflictError(SkinLabError):
    """The change collides with existing data (duplicate email...)."""

    code = "conflict"


class StorageError(SkinLabError):
    code = "storage_error"


class CorruptDatabaseError(StorageError):
    code = "corrupt_database"


class SchemaTooNewError(StorageError):
    code = "schema_too_new"


class DowngradeRefusedError(StorageError):
    """A schema downgrade that the stored data does not fit; nothing was changed."""

    code = "downgrade_refused"


class PostgresClientMissingError(StorageError):
    """The sync server's PostgreSQL driver cannot load: the built device app ships no libpq."""

    code = "postgres_client_missing"


class DataDirError(SkinLabError):
    """The data directory cannot be created or written."""

    code = "data_dir_unusable"


class MissingResourceError(SkinLabError):
    """A file SkinLab ships (style sheet, rule file...) is missing: the installation is broken."""

    code = "missing_resource"


class DataDirBusyError(DataDirError):
    """Another SkinLab process holds the data directory (a second kiosk window, a migration)."""

    code = "data_dir_busy"


class DataDirUpgradeBusyError(DataDirBusyError):
    """Files an older SkinLab left must be rewritten once (encrypted, or moved to the current
    encryption settings), but another SkinLab process is using the data directory."""

    code = "upgrade_needs_data_dir_alone"


class AuthError(SkinLabError):
    code = "auth_error"


class InvalidCredentialsError(AuthError):
    code = "invalid_credentials"


class AccountLockedError(AuthError):
    code = "account_locked"


class InactiveUserError(AuthError):
    code = "inactive_user"


class InvalidTokenError(AuthError):
    code = "invalid_token"


class PermissionDeniedError(AuthError):
    code = "permission_denied"
