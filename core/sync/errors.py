"""Typed sync failures: which ones to retry, which ones need a person."""

from __future__ import annotations

from core.errors import SkinLabError


class SyncError(SkinLabError):
    code = "sync_error"


class NotEnrolledError(SyncError):
    code = "not_enrolled"


class TransientSyncError(SyncError):
    """Network down, timeout, server error: retried with backoff."""

    code = "sync_unavailable"


class SyncRejectedError(SyncError):
    """The server refused the request (4xx): retrying the same request will not help."""

    code = "sync_rejected"

    def __init__(self, message: str, *, code: str | None = None, status: int = 400) -> None:
        super().__init__(message, code=code)
        self.status = status


class SyncIncompleteError(SyncError):
    """The pass went through, but some photos could not travel: said in words, retried later."""

    code = "sync_incomplete"


class SyncAuthError(SyncError):
    code = "sync_unauthorized"


class InsecureServerError(SyncError):
    """A sync server reached over plain HTTP anywhere but this machine."""

    code = "insecure_server_url"


class QuotaExceededError(SyncError):
    """The clinic's image storage on the server is full: the photo waits, the rest goes on."""

    code = "quota_exceeded"


class AdminFromServerError(SyncError):
    """An enrolled device makes no administrator of its own: the clinic's comes from the server."""

    code = "admin_from_server"
