"""CORS for store pages: the widget runs on a store's site and calls the hub cross-origin.

- `/static/` and `/.well-known/cartstart.json` are public and readable from anywhere.
- `/api/page/...` serves pages from origins a store registered (`OriginPolicy.check_page`), with
  `Authorization` allowed for link tokens. Another origin gets 403 with the reason, readable by
  the page so the widget can show it. Preflights are answered for any origin: a preflight
  grants nothing (the request itself is checked), and a refused preflight would hide the
  reason from the page. Which store's products a page may add is checked per command
  (`Carts.add_to_cart`).
- `GET /api/live/stores/{id}` (a store's public live page: is it on, how it looks) follows the
  page rule too: the widget's "Shop live with us" entry asks it from the store's own site.
- So does what the talk panel (static/talk.js, on the store's own site) needs when it cannot
  use the WebSocket, and for calls: starting a session (`POST /api/live/stores/{id}/sessions`),
  the visitor's session routes (`/api/live/session...`, the session link as the bearer) and
  `GET /api/live/ice-servers`. The store's own live routes and the search stay closed.
- Everything else (cart, store, accounts) is not for pages: no CORS headers, so browsers keep
  other sites' scripts out.
- The hub's own pages (the connect page, the console) call it from its own origin: such
  same-origin requests need no CORS and are not store pages, so they pass as they are.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared_protocol import ProtocolError

from ..services.origins import OriginPolicy
from .http_errors import error_response

PUBLIC_PREFIXES = ("/static/", "/.well-known/cartstart.json")
PAGE_PREFIX = "/api/page/"
LIVE_PUBLIC = re.compile(r"^/api/live/stores/[^/]+(/sessions)?$")  # public snapshot, a start
LIVE_VISITOR = ("/api/live/session", "/api/live/ice-servers")  # the talk panel's (a link's)
PREFLIGHT_MAX_AGE = "600"


class PageCors:
    def __init__(self, app: ASGIApp, policy: OriginPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        origin = Headers(scope=scope).get("origin")
        if origin is None:
            await self.app(scope, receive, send)
        elif path.startswith(PUBLIC_PREFIXES):
            await self.app(
                scope, receive, _with_headers(send, {"Access-Control-Allow-Origin": "*"})
            )
        elif _for_pages(path) and not self.policy.same_origin(origin, _own(scope)):
            await self._page(scope, receive, send, origin)
        else:
            await self.app(scope, receive, send)

    async def _page(self, scope: Scope, receive: Receive, send: Send, origin: str) -> None:
        allow = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        if scope["method"] == "OPTIONS" and "access-control-request-method" in Headers(scope=scope):
            preflight = {
                **allow,
                "Access-Control-Allow-Methods": "GET, POST, DELETE",
                "Access-Control-Allow-Headers": "Authorization, Content-Type",
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
            await send({"type": "http.response.start", "status": 204, "headers": _raw(preflight)})
            await send({"type": "http.response.body", "body": b""})
            return
        try:
            await self.policy.check_page(origin)
        except ProtocolError as exc:
            response = error_response(exc)
            response.headers.update(allow)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send, allow))


def _for_pages(path: str) -> bool:
    return (
        path.startswith(PAGE_PREFIX)
        or path.startswith(LIVE_VISITOR)
        or LIVE_PUBLIC.match(path) is not None
    )


def _own(scope: Scope) -> str:
    """The origin this request was sent to: scheme and Host."""
    return f"{scope.get('scheme', 'http')}://{Headers(scope=scope).get('host', '')}"


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for key, value in extra.items():
                headers[key] = value
        await send(message)

    return sender
