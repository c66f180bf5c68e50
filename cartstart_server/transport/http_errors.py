"""The one error shape on HTTP: `{"error": {"code", "message", "details"}}` with its status, and
how the OpenAPI description says so for every route."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.errors import HTTP_STATUS, ErrorResponse

RETRY_AFTER = 2  # seconds: what /healthz and /readyz suggest while the database is away


def error_response(exc: ProtocolError) -> JSONResponse:
    body = {"error": {"code": exc.code.value, "message": exc.message, "details": exc.details}}
    headers = {"WWW-Authenticate": "Bearer"} if exc.code is ErrorCode.UNAUTHORIZED else None
    if exc.code in (ErrorCode.RATE_LIMITED, ErrorCode.UNAVAILABLE) and "retry_after" in exc.details:
        headers = {"Retry-After": str(exc.details["retry_after"])}
    return JSONResponse(body, status_code=exc.http_status, headers=headers)


# The codes an HTTP route can answer with (the rest are about WebSocket connections).
_WEBSOCKET_ONLY = {
    ErrorCode.HELLO_REQUIRED,
    ErrorCode.UNSUPPORTED_VERSION,
    ErrorCode.SERVER_BUSY,
}
_ON_HTTP = [c for c in ErrorCode if c not in _WEBSOCKET_ONLY]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, each with the real body and its codes."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        codes = ", ".join(f"`{c.value}`" for c in _ON_HTTP if HTTP_STATUS[c] == status)
        out[status] = {"model": ErrorResponse, "description": f"Error: {codes}"}
    return out


# 503: `unavailable` (the database is away for a moment), with a Retry-After header.
PUBLIC = errors(400, 413, 422, 500, 503)  # anyone may call these
THROTTLED = errors(429)  # sign-ins (docs/agents.md), with a Retry-After header
SIGNED_IN = errors(400, 401, 403, 404, 409, 413, 422, 500, 503)  # with a token or key
