"""Who is who, as rules: what a valid account, store and token look like, and the words each
refusal uses. No I/O; times come in as arguments."""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared_protocol import ErrorCode, ProtocolError

from .origins import normalize_origin, origin_of

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TICKET_TTL = 7 * 24 * 3600.0


def normalize_email(email: str) -> str:
    return email.strip().lower()


def looks_like_email(email: str) -> bool:
    """`email` as normalized by `normalize_email`."""
    return bool(_EMAIL.match(email)) and len(email) <= 254


def check_new_account(email: str, password: str) -> None:
    """`email` as normalized by `normalize_email`."""
    if not _EMAIL.match(email) or len(email) > 254:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "that does not look like an email address")
    if not 8 <= len(password) <= 1024:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a password needs 8 to 1024 characters")


def check_new_store(name: str, default_ttl: float | None, renewal_limit: int | None) -> None:
    """`name` already stripped."""
    if not 1 <= len(name) <= 100:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a store name needs 1 to 100 characters")
    if default_ttl is not None and not 1 <= default_ttl <= MAX_TICKET_TTL:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a ticket TTL is 1 s to 7 days")
    if renewal_limit is not None and not 0 <= renewal_limit <= 100:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a renewal limit is 0 to 100")


def invalid_token(kind: str) -> ProtocolError:
    """No such token, a token of another kind, or a wrong secret: the same answer for all."""
    return ProtocolError(ErrorCode.UNAUTHORIZED, f"not a valid {kind} token")


def check_token_alive(kind: str, *, revoked: bool, expires_at: float, now: float) -> None:
    if revoked:
        raise ProtocolError(ErrorCode.UNAUTHORIZED, f"this {kind} token was revoked")
    if expires_at <= now:
        raise ProtocolError(ErrorCode.UNAUTHORIZED, f"this {kind} token has expired")


def bad_store_key() -> ProtocolError:
    return ProtocolError(ErrorCode.UNAUTHORIZED, "not a valid store API key")


def replaced_store_key() -> ProtocolError:
    return ProtocolError(
        ErrorCode.UNAUTHORIZED, "this store's API key was replaced: connect with the new one"
    )


def wrong_password() -> ProtocolError:
    return ProtocolError(ErrorCode.UNAUTHORIZED, "wrong email or password")


def link_token_dead() -> ProtocolError:
    return ProtocolError(ErrorCode.UNAUTHORIZED, "this link token was revoked or has expired")


def no_store(store_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"no store {store_id!r}")


def email_taken() -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, "an account with this email already exists")


def no_such_token(kind: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"no such {kind} token")


def unknown_pairing_code() -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND,
        "unknown, used or expired code: your cart shows a new one under “Connect a browser…”",
    )


def other_store_key() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "this API key belongs to another store")


def scoped_link_token(command_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        "this link token only adds products of its own store",
        command_id=command_id,
    )


def unlinked_page(command_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.UNAUTHORIZED,
        "this page is not connected to a cart; connect it with one click, or with the code "
        "from “Connect a browser…” in your cart",
        command_id=command_id,
    )


# ---- connected browsers (the hub's connect page) -------------------------------------------------

LABEL_LENGTH = 100


def browser_label(described: str) -> str:
    """How the cart lists a browser connected on the hub's page: 'Connected browser (Chrome on
    Linux)'. `described` is what the page said about itself (data, kept short)."""
    described = " ".join(described.split())
    text = f"Connected browser ({described})" if described else "Connected browser"
    return text[:LABEL_LENGTH]


def connected_shop_label(store_name: str, origin: str) -> str:
    """How the cart lists a shop page connected from a browser: 'Harbour Ceramics
    (https://harbour.example)'."""
    return f"{store_name} ({origin})"[:LABEL_LENGTH]


def check_hub_page(origin: str | None, hub_urls: Iterable[str | None]) -> None:
    """A connected browser's credential works only from the hub's own pages (`hub_urls`: the
    addresses the hub is reached at). A browser request from any other site is refused; one
    without Origin is no page script, and is judged by its token alone."""
    if origin is None:
        return
    own = {origin_of(url) for url in hub_urls if url}
    if normalize_origin(origin) not in own - {None}:
        raise ProtocolError(
            ErrorCode.FORBIDDEN,
            f"a browser connects to a cart only on the hub's own connect page, not from {origin}",
            origin=origin,
        )


def check_connect_origin(store_name: str, store_origins: tuple[str, ...], origin: str) -> str:
    """The page asking to connect must be on a site the store registered. Returns the origin
    normalized (as the hub holds it)."""
    normalized = normalize_origin(origin)
    if normalized is None:
        raise ProtocolError(
            ErrorCode.FORBIDDEN,
            "this page has no web address of its own (scheme://host), so it cannot connect to a "
            "cart",
            origin=origin,
        )
    if normalized not in {normalize_origin(o) for o in store_origins}:
        raise ProtocolError(
            ErrorCode.FORBIDDEN,
            f"{store_name} did not register {normalized} as one of its sites, so a page there "
            "cannot connect to your cart",
            origin=normalized,
        )
    return normalized


def browser_gone() -> ProtocolError:
    return ProtocolError(
        ErrorCode.UNAUTHORIZED,
        "this browser is no longer connected to your cart: connect it again with a code from "
        "“Connect a browser…” in your cart",
    )


def browser_for_one_store(store_name: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        f"this browser was connected for one shop only, and {store_name} is another: connect "
        "it again with a code from “Connect a browser…” in your cart",
    )
