"""HTTP to the sync server: signs each request, maps answers to typed errors."""

from __future__ import annotations

import ipaddress
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.storage.hlc import ClockSkewError
from core.sync.errors import (
    InsecureServerError,
    QuotaExceededError,
    SyncAuthError,
    SyncRejectedError,
    TransientSyncError,
)
from core.sync.identity import sign_request_token
from core.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RATE_LIMIT_RETRIES = 5
MAX_RETRY_AFTER_S = 30.0


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait before retrying a 429, or None when it is not one (or asks too much)."""
    if response.status_code != 429:
        return None
    try:
        wait = float(response.headers.get("Retry-After", "1"))
    except ValueError:
        return None
    return wait if 0 <= wait <= MAX_RETRY_AFTER_S else None


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(url: str) -> str:
    """The URL, if patient data may travel to it: HTTPS, or plain HTTP to this machine only."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url.strip()
    if parts.scheme == "http" and host and _loopback(host):
        return url.strip()
    if parts.scheme == "http":
        raise InsecureServerError(
            f"Refusing to sync with {url}: plain http:// would send patient data unencrypted. "
            "Use the server's https:// address (plain http is allowed only to this machine, "
            "127.0.0.1 or localhost)."
        )
    raise InsecureServerError(f"{url!r} is not a sync server address; use https://host[:port]")


def _error_of(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body["error"]["code"]), str(body["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return f"http_{response.status_code}", response.text[:200] or response.reason_phrase


def raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    code, message = _error_of(response)
    if response.status_code == 401:
        raise SyncAuthError(f"The sync server refused this device: {message}")
    if code == "clock_skew":
        raise ClockSkewError(message)
    if code == "quota_exceeded":
        raise QuotaExceededError(message)
    if (
        response.status_code >= 500
        or response.status_code in (408, 429)
        or code in ("request_in_progress", "upload_in_progress")
    ):
        raise TransientSyncError(
            f"The sync server is unavailable ({response.status_code}): {message}"
        )
    raise SyncRejectedError(message, code=code, status=response.status_code)


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        key: Ed25519PrivateKey | None = None,
        device_id: str = "",
        audience: str = "",
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        client: httpx.Client | None = None,
    ) -> None:
        self.key = key
        self.sleep = time.sleep
        self.device_id = device_id
        self.audience = audience
        url = check_server_url(base_url)
        self.http = client or httpx.Client(base_url=url.rstrip("/"), timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def _headers(
        self, extra: dict[str, str] | None = None, *, signed: bool = True
    ) -> dict[str, str]:
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if signed and self.key is not None:
            token = sign_request_token(self.key, device_id=self.device_id, audience=self.audience)
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        signed: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            try:
                response = self.http.request(
                    method, path, headers=self._headers(headers, signed=signed), **kwargs
                )
            except httpx.TimeoutException as exc:
                raise TransientSyncError("The sync server did not answer in time") from exc
            except httpx.TransportError as exc:
                raise TransientSyncError(
                    f"Cannot reach the sync server ({type(exc).__name__})"
                ) from exc
            wait = _retry_after(response)
            if wait is None or attempt == RATE_LIMIT_RETRIES:
                return response
            response.close()
            self.sleep(wait)  # the server's per-device rate limit: wait as told, then again
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request whose error answers raise typed errors."""
        response = self.request(method, path, **kwargs)
        raise_for(response)
        return response
