"""The one error shape on HTTP: `{"error": {"code", "message", "details"}}` with its status."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from shared_protocol import ErrorCode, ProtocolError


def error_response(exc: ProtocolError) -> JSONResponse:
    body = {"error": {"code": exc.code.value, "message": exc.message, "details": exc.details}}
    headers = {"WWW-Authenticate": "Bearer"} if exc.code is ErrorCode.UNAUTHORIZED else None
    return JSONResponse(body, status_code=exc.http_status, headers=headers)
