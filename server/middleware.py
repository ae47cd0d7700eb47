"""The outermost guard of every request: the protocol header, body size limits (refused before a
byte is parsed) and one structured access-log line (method, path, status, ms, device)."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from server.config import SMALL_BODY_LIMIT, ServerSettings
from server.errors import ApiError, error_response
from server.logs import ACCESS_LOGGER

access_log = logging.getLogger(ACCESS_LOGGER)
UNVERSIONED = frozenset({"/v1/health"})


def body_limit(settings: ServerSettings, path: str) -> int:
    if path == "/v1/push":
        return settings.push_limit
    if path.startswith("/v1/blobs/"):
        return settings.blob_limit
    return SMALL_BODY_LIMIT


def protocol_problem(headers: Headers, path: str) -> str | None:
    """Why the request's protocol version is unacceptable, or None."""
    if not path.startswith("/v1/") or path in UNVERSIONED:
        return None
    sent = headers.get(PROTOCOL_HEADER)
    if sent == str(PROTOCOL_VERSION):
        return None
    named = f"protocol {sent!r}" if sent is not None else f"no {PROTOCOL_HEADER} header"
    return (
        f"This server speaks sync protocol {PROTOCOL_VERSION}; the request sent {named}. "
        "Update SkinLab on the device or on the server so that both speak the same version."
    )


class RequestGuard:
    def __init__(self, app: ASGIApp, *, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self._guarded(scope, receive, send_and_note)
        finally:
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "device": state.get("device_id"),
            }
            if state.get("auth_failure"):
                fields["auth_failure"] = state["auth_failure"]
            access_log.info("request", extra={"fields": fields})

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        path: str = scope["path"]
        problem = protocol_problem(headers, path)
        if problem is not None:
            await error_response(409, "protocol_mismatch", problem)(scope, receive, send)
            return
        limit = body_limit(self.settings, path)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise ApiError(413, "too_large", _too_large_message(limit))
            return message

        await self.app(scope, counted_receive, send)


def _too_large_message(limit: int) -> str:
    return f"The request body is larger than this endpoint's limit of {limit} bytes"


def _too_large(limit: int) -> Any:
    return error_response(413, "too_large", _too_large_message(limit))
