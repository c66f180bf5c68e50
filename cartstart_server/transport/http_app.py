"""The HTTP side of the hub on FastAPI: REST, accounts, polling, ops endpoints, static files.

Errors look the same on every route and on the WebSockets: `{"error": {"code", "message",
"details"}}` with the status that goes with the code (shared_protocol.errors.HTTP_STATUS).
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic.warnings import UnsupportedFieldAttributeWarning
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared_protocol import Channel, ErrorCode, ProtocolError
from shared_protocol.codec import MAX_DEPTH, too_deep
from shared_protocol.schema import protocol_schema
from shared_protocol.session import SUPPORTED_VERSIONS
from storefront_templates import STATIC_DIR

from ..services.ops import Ops
from ..services.origins import OriginPolicy
from .http_cors import PageCors
from .http_errors import RETRY_AFTER, error_response, error_schemas
from .http_live import UPLOADS
from .limits import Limits
from .ws import ws_path

log = logging.getLogger(__name__)

# A known false positive (pydantic#12356): FastAPI's Body() names its parameter as an alias on
# the body's type, and pydantic warns when it builds that schema on the first request.
warnings.filterwarnings(
    "ignore",
    message="The 'alias' attribute with value 'command'",
    category=UnsupportedFieldAttributeWarning,
)


def _validation_error(exc: RequestValidationError) -> ProtocolError:
    errors = list(exc.errors())
    kinds = {e.get("type") for e in errors}
    if "json_invalid" in kinds:
        return ProtocolError(ErrorCode.BAD_JSON, "the body is not valid JSON")
    problems = [
        {"loc": ".".join(str(p) for p in e.get("loc", ())), "msg": str(e.get("msg", ""))}
        for e in errors[:10]
    ]
    summary = "; ".join(f"{p['loc']}: {p['msg']}" for p in problems)
    code = ErrorCode.UNKNOWN_TYPE if "union_tag_invalid" in kinds else ErrorCode.INVALID_MESSAGE
    return ProtocolError(code, f"invalid request: {summary}", problems=problems)


def _body_problem(body: bytes, content_type: bytes | None) -> str | None:
    """Why a request body is not what every body the hub takes is (a JSON object, UTF-8, not
    nested too deeply, sent as application/json), or None. Checked before FastAPI parses it."""
    media = (content_type or b"").split(b";", 1)[0].strip().lower()
    if media != b"application/json" and not media.endswith(b"+json"):
        return "send the body as JSON, with the header Content-Type: application/json"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if not text.lstrip().startswith("{"):
        return "the body must be a JSON object"
    if too_deep(text):
        return f"JSON nested more than {MAX_DEPTH} levels deep"
    return None


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whether or not they declare a length,
    and bodies that are not a JSON object in UTF-8 sent as application/json with 400 `bad_json`
    (without the content type FastAPI would not decode the body and answer a puzzling 422).

    The body is read here, before the app sees it: raising from inside `receive` would reach
    FastAPI's body parsing, which turns every error into a plain 400."""

    def __init__(self, app: ASGIApp, limit: int, raw: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.raw = raw or {}  # paths that take a body of their own kind (an image), and its limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope["path"] in self.raw
        limit = self.raw.get(scope["path"], self.limit)
        too_large = error_response(
            ProtocolError(ErrorCode.TOO_LARGE, f"the body exceeds {limit} bytes", limit=limit)
        )
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; let the app see the disconnect
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
                break
        body = message.get("body", b"") if message["type"] == "http.request" else b""
        problem = _body_problem(body, headers.get(b"content-type")) if body and not raw else None
        if problem is not None:
            await error_response(ProtocolError(ErrorCode.BAD_JSON, problem))(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return message
            return await receive()

        await self.app(scope, replay, send)


class CatchAll:
    """A fault in a route is answered 500 `internal` here, and goes no further. Starlette's own
    handler for `Exception` sends the answer and then re-raises, so uvicorn logged "Exception in
    ASGI application" and dropped the keep-alive connection without `Connection: close`: a
    client sending its next request on it got a read error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            log.exception("request failed", exc_info=exc)
            if started:  # too late for an answer: uvicorn closes this connection
                return
            internal = ProtocolError(ErrorCode.INTERNAL, "the hub failed; nothing changed")
            await error_response(internal)(scope, receive, send)


class HubPages(StaticFiles):
    """The static files, and the hub's own pages among them (the console, the connect window):
    those may not be shown inside another site's frame, where a click could be stolen."""

    def file_response(self, full_path: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(full_path, *args, **kwargs)
        if str(full_path).endswith(".html"):
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        return response


@functools.cache
def _protocol_schema() -> dict[str, Any]:
    """Served at /protocol/schema.json, never changed: built once per process (a tenth of a
    second of pydantic's work that every hub start paid, and the tests start hundreds)."""
    return protocol_schema()


def create_app(
    *,
    routers: Iterable[APIRouter],
    channels: Iterable[Channel],
    ops: Ops,
    origins: OriginPolicy,
    limits: Limits,
    ws_url: str,
    http_url: str,
) -> FastAPI:
    """The HTTP app around `routers`: one error shape, the body limit, CORS for store pages, the
    ops routes, discovery of the WebSocket `channels`, and the static files."""
    channel_urls = {c.value: f"{ws_url}{ws_path(c)}" for c in channels}
    app = FastAPI(
        title="CartStart federation hub",
        version="1",
        description="REST store API, shopper accounts, cart and page polling. The WebSocket "
        f"channels are at {', '.join(channel_urls.values())}; see /protocol/schema.json.",
    )
    app.add_middleware(CatchAll)  # innermost: every fault meets it before Starlette's
    app.add_middleware(
        BodyLimit, limit=limits.max_body_bytes, raw={UPLOADS: limits.max_upload_bytes}
    )
    app.add_middleware(PageCors, policy=origins)  # outermost: preflights skip the rest

    @app.exception_handler(ProtocolError)
    async def on_protocol_error(_: Request, exc: ProtocolError) -> Response:
        ops.metrics.rejected.labels("http", exc.code.value).inc()
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> Response:
        return await on_protocol_error(_, _validation_error(exc))

    @app.exception_handler(HTTPException)
    async def on_http(_: Request, exc: HTTPException) -> Response:
        # FastAPI's 400 means it could not decode the body (not UTF-8, nested too deeply).
        code = {
            400: ErrorCode.BAD_JSON,
            404: ErrorCode.NOT_FOUND,
            405: ErrorCode.INVALID_MESSAGE,
        }.get(exc.status_code, ErrorCode.INVALID_MESSAGE)
        message = str(exc.detail)
        if code is ErrorCode.BAD_JSON:
            message = "the body is not valid JSON (UTF-8, and not nested too deeply)"
        body: dict[str, Any] = {"error": {"code": code.value, "message": message, "details": {}}}
        # Starlette's own headers stay (a 405 says which methods the path has, in Allow).
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    schema = _protocol_schema()
    discovery = {
        "protocol_versions": list(SUPPORTED_VERSIONS),
        "http_url": http_url,
        "ws_url": ws_url,
        "channels": channel_urls,
        "market_url": f"{http_url}/market/",  # the marketplace's page (docs/marketplace.md)
    }

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> Response:
        """What works: `{"status", "database", "broker"}`, each `ok` or what is wrong. 503 while
        the database is away (`status` "unavailable"); 200 when only the broker is ("degraded":
        the node serves, and its clients catch up with other nodes when Redis is back)."""
        health = await ops.health()
        failing = health["status"] == "unavailable"
        headers = {"Retry-After": str(RETRY_AFTER)} if failing else None
        return JSONResponse(health, status_code=503 if failing else 200, headers=headers)

    @app.get("/readyz", tags=["ops"], response_class=PlainTextResponse)
    async def readyz() -> Response:
        """For a load balancer: 200 `ready` while this node can serve, 503 while its database
        is away (take it out of rotation; it comes back by itself)."""
        health = await ops.health()
        if health["status"] == "unavailable":
            return PlainTextResponse(
                f"not ready: database {health['database']}\n",
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER)},
            )
        return PlainTextResponse("ready\n")

    @app.get("/metrics", tags=["ops"], response_class=PlainTextResponse)
    async def metrics() -> Response:
        """Prometheus text exposition format 0.0.4."""
        return Response(await ops.render_metrics(), media_type="text/plain; version=0.0.4")

    @app.get("/protocol/schema.json", tags=["ops"])
    async def protocol() -> dict[str, Any]:
        return schema

    @app.get("/console", tags=["store"], include_in_schema=False)
    async def console(request: Request) -> Response:
        """The store console (static page; it signs in with an agent's password or the store's
        API key). `?store=<id>` fills the agent's sign-in form."""
        query = request.url.query
        return RedirectResponse("/static/console.html" + (f"?{query}" if query else ""))

    @app.get("/connect", tags=["connect"], include_in_schema=False)
    async def connect_page() -> Response:
        """The connect window: a browser connected here once connects shops with one click."""
        return RedirectResponse("/static/connect.html")

    @app.get("/.well-known/cartstart.json", tags=["ops"])
    async def well_known() -> dict[str, Any]:
        return discovery

    for router in routers:
        app.include_router(router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(error_schemas())
            document["components"]["schemas"] = dict(sorted(schemas.items()))
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    if STATIC_DIR.is_dir():
        app.mount("/static", HubPages(directory=STATIC_DIR), name="static")
    return app
