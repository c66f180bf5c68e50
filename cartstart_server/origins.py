"""Which web pages may act on the federation: those served from an origin a store registered.

Browsers send `Origin` on every WebSocket handshake and on cross-origin HTTP requests, and a page
cannot forge it. A request without one does not come from a page script (a store's backend, the
desktop cart, a test client) and is left to its token. With one:

- a page connection (`/ws/page`, `/api/page/...`) needs an origin some store registered;
- adding a product to a cart needs an origin *that product's store* registered, so another site
  cannot drive a shopper's cart even with a link token it got hold of.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from shared_protocol import ErrorCode, ProtocolError

_DEFAULT_PORTS = {"http": 80, "https": 443}

OriginsLoader = Callable[[], Awaitable[dict[str, tuple[str, ...]]]]


def normalize_origin(value: str) -> str | None:
    """'HTTPS://Shop.Example:443' -> 'https://shop.example'; None for 'null' or anything that
    is not scheme://host[:port]."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


class OriginPolicy:
    """The registered origins, read from the directory and kept for `ttl` seconds (so a burst of
    page connections costs one read). A store's own change is seen at once on this node
    (`forget`); other nodes see it within `ttl`."""

    def __init__(
        self,
        load: OriginsLoader,
        *,
        ttl: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._monotonic = monotonic
        self._by_store: dict[str, frozenset[str]] = {}
        self._any: frozenset[str] = frozenset()
        self._loaded_at: float | None = None

    def forget(self) -> None:
        self._loaded_at = None

    async def _fresh(self) -> None:
        now = self._monotonic()
        if self._loaded_at is not None and now - self._loaded_at < self._ttl:
            return
        raw = await self._load()
        self._by_store = {
            store_id: frozenset(o for o in map(normalize_origin, origins) if o)
            for store_id, origins in raw.items()
        }
        self._any = frozenset().union(*self._by_store.values())
        self._loaded_at = now

    async def check_page(self, origin: str | None) -> None:
        """A page may connect: no Origin (not a browser page), or one some store registered."""
        if origin is None:
            return
        await self._fresh()
        if normalize_origin(origin) not in self._any:
            raise ProtocolError(
                ErrorCode.FORBIDDEN,
                f"pages from {origin} may not use CartStart: no store on this hub registered "
                "that origin",
                origin=origin,
            )

    async def check_store(
        self, store_id: str, origin: str | None, command_id: str | None = None
    ) -> None:
        """A page may add this store's products: no Origin, or one this store registered."""
        if origin is None:
            return
        await self._fresh()
        if normalize_origin(origin) not in self._by_store.get(store_id, frozenset()):
            raise ProtocolError(
                ErrorCode.FORBIDDEN,
                f"this page ({origin}) is not on a site the store registered, so it cannot add "
                "the store's products to a cart",
                origin=origin,
                store_id=store_id,
                command_id=command_id,
            )
