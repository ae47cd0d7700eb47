"""Every error leaves the server as ``{"error": {"code", "message"}}`` (docs/sync-protocol.md), so the
device can act on a stable code and show the message to a person."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.sync.protocol import ErrorBody

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
    507: "quota_exceeded",
}


class ApiError(HTTPException):
    """An answer with a stable code. A FastAPI ``HTTPException`` so that one raised while the body is
    read (the size guard) is not turned into a generic 400."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status, detail=message, headers=dict(headers or {}))
        self.code = code
        self.message = message
        # Why an authentication failed, for the access log only (the answer stays generic).
        self.reason: str | None = None
        self.detail_for_log: str | None = None


def error_response(
    status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entry for a route's documented error statuses."""
    return {status: {"model": ErrorBody} for status in statuses}


def _validation_summary(exc: RequestValidationError) -> tuple[str, str]:
    errors = list(exc.errors())
    code = "invalid_request"
    parts = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:2] == ["body", "changes"] and loc[-1] == "entity":
            code = "unknown_entity"
        parts.append(f"{'.'.join(loc) or 'request'}: {error.get('msg', 'invalid')}")
    more = f" (and {len(parts) - 3} more)" if len(parts) > 3 else ""
    return code, "; ".join(parts[:3]) + more or "The request is malformed"


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if exc.reason is not None:
        request.state.auth_failure = exc.reason
    return error_response(exc.status_code, exc.code, exc.message, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    code, message = _validation_summary(exc)
    return error_response(422, code, message)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after answering, so the traceback is logged once, by the server.
    return error_response(500, "internal_error", "The server failed; the request can be retried")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _unexpected)
