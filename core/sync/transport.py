"""HTTP to the sync server: signs each request, maps answers to typed errors."""

from __future__ import annotations

from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.sync.errors import SyncAuthError, SyncRejectedError, TransientSyncError
from core.sync.hlc import ClockSkewError
from core.sync.identity import sign_request_token
from core.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


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
    if (
        response.status_code >= 500
        or response.status_code in (408, 429)
        or code == "request_in_progress"
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
        self.device_id = device_id
        self.audience = audience
        self.http = client or httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)

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
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request whose error answers raise typed errors."""
        response = self.request(method, path, **kwargs)
        raise_for(response)
        return response
