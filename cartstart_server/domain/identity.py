"""Who is who, as rules: what a valid account, store and token look like, and the words each
refusal uses. No I/O; times come in as arguments."""

from __future__ import annotations

import re

from shared_protocol import ErrorCode, ProtocolError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TICKET_TTL = 7 * 24 * 3600.0


def normalize_email(email: str) -> str:
    return email.strip().lower()


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
    return ProtocolError(ErrorCode.NOT_FOUND, "unknown, used or expired pairing code")


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
        "this page is not linked to a cart; pair it with the code shown in your cart",
        command_id=command_id,
    )
