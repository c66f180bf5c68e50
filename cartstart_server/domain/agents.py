"""A store's agents, as rules: who may do what in the console, what a valid agent looks like, and
the words each refusal uses. No I/O; times come in as arguments."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from shared_protocol import ErrorCode, ProtocolError

from .identity import looks_like_email

Role = Literal["key", "owner", "agent"]
INVITE_TTL = 7 * 24 * 3600.0  # seconds an invitation can be accepted


class Permission(StrEnum):
    READ_CATALOGUE = "read_catalogue"
    LIVE = "live"
    ORDERS_READ = "orders_read"
    ORDERS_WRITE = "orders_write"
    CUSTOMERS = "customers"
    LIVE_SETTINGS = "live_settings"
    MANAGE_AGENTS = "manage_agents"
    REQUESTS = "requests"  # the marketplace's requests: read and answer (docs/marketplace.md)
    FORMS = "forms"  # personalised products' forms: define and change (docs/personalise.md)
    PERSONALISE = "personalise"  # buyers' drafts: watch, comment, edit with consent


_AGENT = frozenset(
    {
        Permission.READ_CATALOGUE,
        Permission.LIVE,
        Permission.ORDERS_READ,
        Permission.REQUESTS,
        Permission.PERSONALISE,
    }
)
ALLOWED: dict[Role, frozenset[Permission]] = {
    "key": frozenset(Permission),
    "owner": frozenset(Permission),
    "agent": _AGENT,
}


def permissions(role: Role) -> list[Permission]:
    return sorted(ALLOWED[role])


def sees_request(handled: frozenset[str] | None, product_ids: list[str]) -> bool:
    """Whether a console reaches a marketplace request (read and answer): owners and the key see
    every request (`handled` None); an agent only those with a line of a product they handle
    (agent_products). A request carries the buyer's contact, and an answer sets a price, which
    agents may otherwise not do (discounts are owner-only)."""
    return handled is None or any(p in handled for p in product_ids)


def check_allowed(role: Role, permission: Permission) -> None:
    if permission not in ALLOWED[role]:
        raise not_allowed(role)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_new_agent(email: str, name: str) -> None:
    """`email` normalized (identity.normalize_email), `name` stripped."""
    if not looks_like_email(email):
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "that does not look like an email address")
    if not 1 <= len(name) <= 100:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "an agent's name needs 1 to 100 characters")
    if _CONTROL.search(name):  # a name is one line of text (and PostgreSQL cannot store NUL)
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, "an agent's name is one line, without control characters"
        )


def check_password(password: str) -> None:
    if not 8 <= len(password) <= 1024:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a password needs 8 to 1024 characters")


def not_allowed(role: Role) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        f"your role ({role}) cannot do this: ask an owner of the store",
        role=role,
    )


def key_only() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN, "this is for the store's backend: use the store's API key"
    )


def catalogue_from_backend() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "catalogue commands come from the store's backend")


def other_store() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "you are signed in to another store")


def wrong_sign_in() -> ProtocolError:
    """No such store, no such agent, an invitation not accepted yet or a wrong password: the
    same answer for all."""
    return ProtocolError(ErrorCode.UNAUTHORIZED, "wrong email or password")


# Sign-in throttling: this many sign-ins per (store, email) in a window that starts at the
# first of them; the next ones wait for the window's end. A successful sign-in starts afresh.
SIGN_IN_ATTEMPTS = 5  # per (store, email) from one client address
# Per (store, email) from every address together: a stranger who knows an owner's email can
# lock out only their own address, and many addresses together are slowed, not let through.
SIGN_IN_ATTEMPTS_ALL = 50
SIGN_IN_WINDOW = 15 * 60.0


def throttled(
    attempts: int, window_start: float, now: float, limit: int = SIGN_IN_ATTEMPTS
) -> float | None:
    """Seconds to wait when this attempt (the `attempts`-th of its window) is one too many."""
    if attempts <= limit:
        return None
    return max(1.0, window_start + SIGN_IN_WINDOW - now)


def too_many_attempts(wait: float) -> ProtocolError:
    """The same answer whether the email is an agent's or not (nothing to enumerate)."""
    seconds = math.ceil(wait)
    minutes = math.ceil(seconds / 60)
    when = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return ProtocolError(
        ErrorCode.RATE_LIMITED,
        f"too many attempts: try again in {when}",
        retry_after=seconds,
    )


def invalid_agent_token() -> ProtocolError:
    return ProtocolError(ErrorCode.UNAUTHORIZED, "not a valid console sign-in")


def agent_gone() -> ProtocolError:
    return ProtocolError(ErrorCode.UNAUTHORIZED, "you were removed from this store's agents")


def agent_session_dead() -> ProtocolError:
    return ProtocolError(
        ErrorCode.UNAUTHORIZED, "this console sign-in has expired or was ended: sign in again"
    )


def check_agent_session(*, removed: bool, revoked: bool, expires_at: float, now: float) -> None:
    if removed:
        raise agent_gone()
    if revoked or expires_at <= now:
        raise agent_session_dead()


def last_owner() -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, "a store keeps at least one owner")


def own_role() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN, "you cannot change your own role: ask another owner of the store"
    )


def email_taken() -> ProtocolError:
    return ProtocolError(
        ErrorCode.CONFLICT, "someone with this email is already an agent of this store"
    )


def unknown_agent(agent_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, "no such agent in this store", agent_id=agent_id)


def unknown_invite() -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND, "this invitation is unknown, used or expired: ask for a new one"
    )


# ---- the invitation email ------------------------------------------------------------------


def link_is_known(listen_host: str, public_url: str | None) -> bool:
    """Whether the hub knows an address of its console that works for whoever reads the email:
    its `public_http_url`, or the one host it listens on. Listening on every interface
    (0.0.0.0, ::) without `public_http_url`, it could only guess (127.0.0.1, useless elsewhere)."""
    return bool(public_url) or listen_host not in ("0.0.0.0", "::", "")


_SPACE = re.compile(r"[\s\x00-\x1f\x7f]+")


def one_line(text: str, limit: int = 100) -> str:
    """`text` on one line: a name can hold line breaks and control characters, and in an email
    those would start a header or fake a paragraph of the hub's own words."""
    return _SPACE.sub(" ", text).strip()[:limit]


def invite_email(
    *,
    store_name: str,
    agent_name: str,
    inviter: tuple[str, str] | None,
    url: str,
    expires_at: float,
) -> tuple[str, str]:
    """The subject and plain-text body of an agent's invitation. `inviter` is the owner's
    (name, email), or None when the store's API key or the command line added the agent."""
    store = one_line(store_name)
    by = f"{one_line(inviter[0])} ({inviter[1]})" if inviter else f"The team of {store}"
    until = datetime.fromtimestamp(expires_at, UTC).strftime("%A %d %B %Y, %H:%M UTC")
    subject = f"You are invited to work in {store}'s console"
    body = "\n".join(
        [
            f"Hello {one_line(agent_name)},",
            "",
            f"{by} invited you to work in the CartStart console of {store}.",
            "",
            "Open this link and choose a password to sign in:",
            "",
            f"  {url}",
            "",
            f"The link works once, until {until}. If it has expired, ask the store's owner",
            "for a new one.",
            "If you did not expect this email, you can ignore it: nothing happens without the",
            "link.",
        ]
    )
    return subject, body
