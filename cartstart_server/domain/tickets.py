"""The rules of the shared inventory, independent of where tickets are stored."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from shared_protocol import ErrorCode, ProtocolError

# A ticket is warned once, `warn_before` seconds before it expires, but never earlier than halfway
# through its life, so a short TTL does not warn the moment it is created.
DEFAULT_WARN_BEFORE = 60.0


def available(on_hand: int, held: int, sold_pending: int) -> int:
    return on_hand - held - sold_pending


def ttl_for(product_ttl: float | None, store_default_ttl: float) -> float:
    return product_ttl if product_ttl is not None else store_default_ttl


@dataclass(frozen=True)
class Deadlines:
    expires_at: float
    warn_at: float


def deadlines(now: float, ttl: float, warn_before: float = DEFAULT_WARN_BEFORE) -> Deadlines:
    return Deadlines(expires_at=now + ttl, warn_at=now + max(ttl - warn_before, ttl / 2))


def renewals_left(renewals: int, limit: int) -> int:
    return max(0, limit - renewals)


def check_renewable(renewals: int, limit: int) -> None:
    if renewals >= limit:
        raise ProtocolError(
            ErrorCode.RENEWAL_LIMIT,
            f"this store allows {limit} renewal{'s' if limit != 1 else ''} per ticket",
            limit=limit,
        )


def check_held(state: str) -> None:
    if state != "held":
        raise ProtocolError(
            ErrorCode.INVALID_STATE, f"the ticket is {state}, not held", state=state
        )


def no_product_on_sale(store_id: str, product_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND, f"store {store_id!r} has no product {product_id!r} on sale"
    )


def no_product(product_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"no product {product_id!r} in this store")


def no_ticket(ticket_id: str) -> ProtocolError:
    """Another cart's ticket looks like no ticket at all."""
    return ProtocolError(ErrorCode.NOT_FOUND, f"no ticket {ticket_id!r} in this cart")


def ticket_changed() -> ProtocolError:
    return ProtocolError(
        ErrorCode.INVALID_STATE, "the ticket changed meanwhile; fetch it and retry"
    )


def below_zero(on_hand: int) -> ProtocolError:
    return ProtocolError(
        ErrorCode.CONFLICT, f"on hand would go below zero (it is {on_hand})", on_hand=on_hand
    )


def cannot_grow(error: ProtocolError, held: int) -> ProtocolError:
    """`insufficient` for a cart growing its hold of `held`: say how far it can go."""
    if error.code is not ErrorCode.INSUFFICIENT_STOCK:
        return error
    more = int(error.details["available"])
    error.details["max_qty"] = held + more
    error.message = f"only {more} more left: this cart can hold at most {held + more}"
    return error


def insufficient(requested: int, avail: int) -> ProtocolError:
    left = max(avail, 0)
    text = "sold out" if left == 0 else f"only {left} left"
    return ProtocolError(
        ErrorCode.INSUFFICIENT_STOCK, f"{text}: cannot hold {requested} more", available=left
    )


@dataclass(frozen=True)
class Revocation:
    ticket_id: str
    new_qty: int
    taken: int


def plan_revocations(
    held_newest_first: Iterable[tuple[str, int]], deficit: int
) -> list[Revocation]:
    """Which tickets give back units when the store has fewer on hand than carts hold.

    The newest holds give way first (first come, first served), and a ticket only loses what is
    needed: a cart holding 3 of which the shop sold 1 keeps 2.
    """
    plan: list[Revocation] = []
    for ticket_id, qty in held_newest_first:
        if deficit <= 0:
            break
        taken = min(qty, deficit)
        plan.append(Revocation(ticket_id, qty - taken, taken))
        deficit -= taken
    return plan


def revocation_message(kept: int) -> str:
    """What the shopper reads when the shop sold units their cart held (`kept` still held)."""
    if kept > 0:
        return f"The shop has sold some over the counter; your cart now holds {kept}."
    return "The shop sold this item over the counter."


@lru_cache(maxsize=4096)  # every store event names one: a hash per event was 2% of a reservation
def cart_ref(store_id: str, cart_id: str) -> str:
    """A pseudonym for a cart, stable per store and unlinkable across stores (cart ids are random
    and never shown to stores)."""
    return hashlib.sha256(f"{store_id}\x00{cart_id}".encode()).hexdigest()[:16]
