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


# The body's schema by reference, not as `"model": ErrorResponse`: FastAPI builds a pydantic
# TypeAdapter for every model response of every route when the route is made (about a thousand
# here, a fifth of a hub's start-up, paid again by each of the hundreds of hubs the tests
# start). The referenced schemas are added to the document once (`error_schemas`).
_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses, each with the real body and its codes."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        codes = ", ".join(f"`{c.value}`" for c in _ON_HTTP if HTTP_STATUS[c] == status)
        out[status] = {"description": f"Error: {codes}", "content": _BODY}
    return out


def error_schemas() -> dict[str, Any]:
    """The OpenAPI components `errors()` refers to: ErrorResponse and the schemas it uses, as
    FastAPI would write them for a response model."""
    schema = ErrorResponse.model_json_schema(
        mode="serialization", ref_template="#/components/schemas/{model}"
    )
    defs: dict[str, Any] = schema.pop("$defs", {})
    return {**defs, "ErrorResponse": schema}


# 503: `unavailable` (the database is away for a moment), with a Retry-After header.
PUBLIC = errors(400, 413, 422, 500, 503)  # anyone may call these
THROTTLED = errors(429)  # sign-ins (docs/agents.md), with a Retry-After header
SIGNED_IN = errors(400, 401, 403, 404, 409, 413, 422, 500, 503)  # with a token or key
