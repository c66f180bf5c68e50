"""Which web pages may act on the federation: those served from an origin a store registered.

Browsers send `Origin` on every WebSocket handshake and on cross-origin HTTP requests, and a page
cannot forge it. A request without one does not come from a page script (a store's backend, the
desktop cart, a test client) and is left to its token. With one:

- a page connection (`/ws/page`, `/api/page/...`) needs an origin some store registered;
- adding a product to a cart needs an origin *that product's store* registered, so another site
  cannot drive a shopper's cart even with a link token it got hold of.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from shared_protocol import ErrorCode, ProtocolError

_DEFAULT_PORTS = {"http": 80, "https": 443}


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


def origin_of(url: str) -> str | None:
    """The origin of a URL: 'https://hub.example/base/' -> 'https://hub.example'."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return normalize_origin(f"{parts.scheme}://{parts.netloc}")


def unknown_origin(origin: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        f"pages from {origin} may not use CartStart: no store on this hub registered that origin",
        origin=origin,
    )


def not_the_stores_origin(origin: str, store_id: str, command_id: str | None) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        f"this page ({origin}) is not on a site the store registered, so it cannot add "
        "the store's products to a cart",
        origin=origin,
        store_id=store_id,
        command_id=command_id,
    )
