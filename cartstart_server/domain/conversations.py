"""Conversations from the store's own pages, as rules: which page may start one (its address on
a site the store registered, and, from a browser, the page's own origin), and where the store
may send the visitor's page (`navigate`: only the site the session started on). No I/O."""

from __future__ import annotations

from collections.abc import Iterable

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.conversations import Navigate
from shared_protocol.live import StartSession

from .origins import normalize_origin, origin_of
from .selling import Speaker


def _registered(store_origins: Iterable[str]) -> set[str]:
    return {o for o in map(normalize_origin, store_origins) if o}


def page_origin(store_origins: Iterable[str], page_url: str, sent_from: str | None) -> str:
    """The origin of the page a session starts on: one the store registered, and the same as
    the connection's own Origin when a browser sent one (a page cannot speak for another)."""
    origin = origin_of(page_url)
    same = sent_from is None or normalize_origin(sent_from) == origin
    if origin is None or origin not in _registered(store_origins) or not same:
        raise not_on_site()
    return origin


def started_from(
    store_origins: Iterable[str], cmd: StartSession, sent_from: str | None
) -> tuple[str | None, str, str] | None:
    """A session started from the store's page: (visitor id, origin, page address); None when
    it was started elsewhere (the hub's live page)."""
    if cmd.page_url is None:
        return None
    return cmd.visitor_id, page_origin(store_origins, cmd.page_url, sent_from), cmd.page_url


def check_may_navigate(speaker: Speaker, cmd: Navigate, session_origin: str | None) -> None:
    """Only the store, to one address, and only in a session started from its site."""
    if (cmd.url is None) == (cmd.product_id is None):
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, "say where to send the page: either url or product_id"
        )
    if speaker.side != "store":
        raise ProtocolError(ErrorCode.FORBIDDEN, "only the store can send the visitor to a page")
    if session_origin is None:
        raise ProtocolError(
            ErrorCode.FORBIDDEN,
            "this visitor did not start the conversation on your site, so there is no page of "
            "theirs to send anywhere",
        )


def navigate_target(store_origins: Iterable[str], session_origin: str | None, url: str) -> str:
    """The address the store may send this session's visitor to (as given): on the site the
    session started on, which the store still lists."""
    origin = origin_of(url)
    if origin is None or origin != session_origin or origin not in _registered(store_origins):
        raise not_on_site()
    return url


def not_on_site() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "that address is not on this store's site")


def no_product_page(product_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND,
        f"the product {product_id!r} has no page address: paste the address of its page instead",
        product_id=product_id,
    )
