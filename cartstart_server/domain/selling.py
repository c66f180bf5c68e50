"""Live selling as rules: who may do what in a session, what a board widget needs, how the
gallery matches words, how fast a visitor may write, and the words of each refusal. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.live import Side, WidgetIn

# A visitor may write this many chat messages and board posts per window (the store is not
# limited: it is the one being helped by the limit). Counted in the database, so every node of
# a hub counts the same.
CHAT_PER_WINDOW = 20
POSTS_PER_WINDOW = 10
RATE_WINDOW = 60.0
PREVIEW_CHARS = 80  # the lobby's "last message"
SEARCH_WORDS = 8


@dataclass(frozen=True)
class Speaker:
    """Who speaks in a session: the visitor (by link or attached cart) or the store (its key,
    `agent_id` None, or an agent signed in to the console)."""

    side: Side
    store_id: str
    session_id: str
    agent_id: str | None = None


def other(side: Side) -> Side:
    return "store" if side == "visitor" else "visitor"


def check_widget(widget: WidgetIn) -> None:
    """Each kind needs its own field, and only it."""
    needs = {"product": "product_id", "image": "upload_id", "link": "url"}
    field = needs.get(widget.kind)
    if field is not None and getattr(widget, field) is None:
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, f"a {widget.kind} widget needs `{field}`", field=field
        )
    if widget.kind == "note" and not widget.text.strip():
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a note needs some text", field="text")


def check_store_only(speaker: Speaker, what: str) -> None:
    if speaker.side != "store":
        raise ProtocolError(ErrorCode.FORBIDDEN, f"only the store can {what}")


def may_remove(speaker: Speaker, author: Side, author_session: str | None) -> bool:
    """The store removes any widget of its own board; a visitor only what their session posted."""
    return speaker.side == "store" or (author == "visitor" and author_session == speaker.session_id)


def rate_limited(what: str, count: int, limit: int) -> None:
    if count >= limit:
        raise ProtocolError(
            ErrorCode.RATE_LIMITED,
            f"too many {what} in a minute: wait a little and send again",
            retry_after=RATE_WINDOW,
        )


def no_session() -> ProtocolError:
    return ProtocolError(ErrorCode.UNAUTHORIZED, "not a valid live session link")


def not_in_session(ticket_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"no ticket {ticket_id!r} in this session's cart")


def session_deleted(by: str) -> ProtocolError:
    who = "the store" if by == "store" else "the visitor"
    return ProtocolError(
        ErrorCode.GONE, f"this session was deleted by {who}; start a new one", deleted_by=by
    )


def not_found(what: str) -> ProtocolError:
    """No such thing, or another store's or session's: the same answer for both."""
    return ProtocolError(ErrorCode.NOT_FOUND, f"no such {what}")


def not_yours() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "you can remove only what you posted")


def no_upload() -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND, "no such image: upload it first (POST /api/live/uploads)"
    )


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(email: str) -> None:
    if not _EMAIL.match(email):
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, "that does not look like an email address", field="email"
        )


def attached_elsewhere() -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, "this session is already attached to another cart")


def not_enabled() -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, "this store has no live selling page")


def view_off(view: str) -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, f"the store has turned its {view} off")


def order_needs_email() -> ProtocolError:
    return ProtocolError(
        ErrorCode.INVALID_MESSAGE,
        "say which email address the store should send the order to",
        field="email",
    )


def nothing_in_session_cart() -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_STATE, "the session cart holds nothing to order")


def no_product(what: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"the store has no product {what!r} on sale")


# ---- the gallery's search -------------------------------------------------------------------

_WORD = re.compile(r"[\w\-./]+", re.UNICODE)


def search_words(query: str) -> list[str]:
    """Lower-cased words of a query (at most SEARCH_WORDS); each must match, whole or in part."""
    return [w.casefold() for w in _WORD.findall(query)][:SEARCH_WORDS]


def search_text(name: str, code: str, tags: list[str]) -> str:
    """What the gallery's words are matched against: the product's name, code and tags,
    case-folded, one space between them (a word never holds a space, so none matches across
    two of them). Kept with the product (`products.search_text`): folding 20,000 names per
    search cost more than the search itself. The name comes first, so `LIKE 'word%'` is "the
    name starts with the word"."""
    return " ".join([name, code, *tags]).casefold()


def like_pattern(word: str) -> str:
    """A LIKE pattern matching `word` anywhere (with `\\` as the escape character)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def product_in_url(text: str) -> str | None:
    """The product id a product page's address names (`.../products/<id>`), if it does."""
    found = re.search(r"/products?/([A-Za-z0-9_.:\-]{1,64})/?(?:[?#].*)?$", text)
    return found.group(1) if found else None


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"
