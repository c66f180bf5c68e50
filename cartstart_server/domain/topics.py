"""Where committed changes are announced, and the frame that carries one.

Stream names (`cart:<id>`, `store:<id>`) name both a durable outbox and the broker topic its
live frames travel on; `product:<store>:<product>` carries availability. They are built here
and nowhere else.

A frame is encoded once, when the transaction that caused it writes it, and travels with what
subscribers route on (its seq, its version, the holds it changed), so nothing on the way out
decodes it again.
"""

from __future__ import annotations

from typing import NamedTuple

from shared_protocol.cart import OrderPlaced
from shared_protocol.common import TicketState, TicketView

ProductKey = tuple[str, str]  # (store_id, product_id)


def cart_stream(cart_id: str) -> str:
    return f"cart:{cart_id}"


def store_stream(store_id: str) -> str:
    return f"store:{store_id}"


def live_stream(session_id: str) -> str:
    """A live-selling session's durable stream, shared by its visitor and its store."""
    return f"live:{session_id}"


def live_signal_topic(session_id: str) -> str:
    """A session's ephemeral signals: presence, typing, the gallery."""
    return f"live-signal:{session_id}"


def live_lobby_topic(store_id: str) -> str:
    """A store's live lobby: its sessions' activity."""
    return f"live-lobby:{store_id}"


def live_public_topic(store_id: str) -> str:
    """A store's public board, as its visitors see it."""
    return f"live-public:{store_id}"


def live_store_topic(store_id: str) -> str:
    """What every live session of a store hears: whether the store is in a call."""
    return f"live-store:{store_id}"


def guest_cart(session_id: str) -> str:
    """The cart of a live session's visitor who has no cart account: it exists only as the
    session's tickets (no cart stream, no devices)."""
    return f"live-{session_id}"


def solution_cart(request_id: str) -> str:
    """The cart a marketplace order is checked out from: one per firm's request, holding that
    request's tickets only for the transaction that buys them (no cart stream, no devices)."""
    return f"solution-{request_id}"


def is_guest_cart(cart_id: str) -> bool:
    return cart_id.startswith(("live-", "solution-"))


def product_topic(store_id: str, product_id: str) -> str:
    return f"product:{store_id}:{product_id}"


def token_topic(token_id: str) -> str:
    """Where a session or link token's revocation is announced."""
    return f"token:{token_id}"


def store_key_topic(store_id: str) -> str:
    """Where a store's key being replaced is announced."""
    return f"store-key:{store_id}"


def desk_topic(store_id: str) -> str:
    """What a store's agents' workspaces hear: agents changing (status, connection)."""
    return f"desk:{store_id}"


def talk_topic(store_id: str) -> str:
    """Whether the store's pages offer "Talk to us": its flips, for pages and desks."""
    return f"talk:{store_id}"


def visitor_topic(store_id: str, visitor_id: str) -> str:
    """What one visitor's pages of a store hear: an agent writing first (`talk_offer`)."""
    return f"visitor:{store_id}:{visitor_id}"


# Ephemeral rosters (cartstart_server/ephemeral): keys of entries that live while someone beats.
ROSTER_AGENTS = "agents:"


def roster_agents(store_id: str) -> str:
    """A store's open workspaces: one entry per desk connection, its value the agent's id."""
    return f"{ROSTER_AGENTS}{store_id}"


ROSTER_VISITORS = "visitors:"


def roster_visitors(store_id: str) -> str:
    """A store's visitors on its pages now: one entry per visitor id, compact JSON."""
    return f"{ROSTER_VISITORS}{store_id}"


# Every node hears a visitor's "forget me" here, so none writes what it buffered of them later.
PRESENCE_FORGET = "presence-forget"


def store_of_roster(key: str) -> str:
    return key.partition(":")[2]


TALK_LATCH = "talk"  # the roster latch holding each store's announced talk state
BUSY_LATCH = "busy"  # the roster latch holding each store's announced busy status


def busy_topic(store_id: str) -> str:
    """A store's products with handlers, available or busy (services/busy.py): every change."""
    return f"busy:{store_id}"


class Hold(NamedTuple):
    """What a cart event did to the cart's hold on one product: `qty` 0 means no longer held."""

    store_id: str
    product_id: str
    qty: int
    expires_at: float | None
    personalised: bool = False  # the product has a form (a page offers "Personalise")

    @property
    def key(self) -> ProductKey:
        return (self.store_id, self.product_id)

    @classmethod
    def of(cls, ticket: TicketView) -> Hold:
        held = ticket.state is TicketState.HELD
        return cls(
            ticket.store_id,
            ticket.product_id,
            ticket.qty if held else 0,
            ticket.expires_at if held else None,
            ticket.personalised,
        )


class Frame(NamedTuple):
    """One message as it leaves the hub: `text` is the JSON sent as is."""

    text: str
    seq: int = 0  # its place in a durable stream (0: not a stream frame)
    version: int = 0  # an availability frame's version
    holds: tuple[Hold, ...] = ()  # a cart stream frame's changed holds


def holds_of(message: object) -> tuple[Hold, ...]:
    """The holds a cart event changed: its one ticket, or the tickets an order bought."""
    if isinstance(message, OrderPlaced):
        return tuple(Hold.of(t) for t in message.tickets)
    ticket = getattr(message, "ticket", None)
    return (Hold.of(ticket),) if isinstance(ticket, TicketView) else ()
