"""The steps every change to a hold is made of: take or give back units (the one conditional
write that makes overselling impossible), change a ticket only if nobody changed it meanwhile,
and tell the cart and the store. Used by the cart commands, expiry and stock changes.

Invariant kept by every plan: `products.held` is the sum of `qty` over the product's held
tickets, and a reservation only succeeds through ONE conditional UPDATE that checks availability
(no read-then-write), so concurrent reservations cannot oversell on any backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel

from shared_protocol.common import TicketView
from shared_protocol.live import SessionCartChanged
from shared_protocol.store import TicketChange, TicketEvent

from ..domain import tickets as rules
from ..domain.topics import Hold, cart_stream, is_guest_cart, live_stream, store_stream
from . import outbox
from .directory import StoreRow
from .sql import Effects, Plan, Row, Stmt, one
from .views import count_of, store_ticket_view, ticket_view

CartEventFactory = Callable[[int, TicketView], BaseModel]


def product_row(store_id: str, product_id: str) -> Plan[Row | None]:
    return one(
        (
            yield Stmt(
                "SELECT * FROM products WHERE store_id = ? AND product_id = ?",
                (store_id, product_id),
            )
        )
    )


def stock_changed(fx: Effects, product: Row) -> None:
    """Announce the product's new count (after the commit; the latest change per product). Its
    frame is built once committed, outside the database thread."""
    fx.availability[product["store_id"], product["product_id"]] = count_of(product)


def tell(
    fx: Effects,
    ticket: Row,
    product: Row,
    store: StoreRow,
    cart_event: CartEventFactory,
    change: TicketChange | None,
    now: float,
) -> Plan[TicketView]:
    """Append the cart's event (and the store's, unless `change` is None) for a changed ticket;
    a live session's ticket is told to its session too. A guest cart has no stream."""
    view = ticket_view(ticket, product, store)
    messages: list[outbox.Message] = []
    if not is_guest_cart(ticket["cart_id"]):
        messages.append(
            (cart_stream(ticket["cart_id"]), lambda seq: cart_event(seq, view), (Hold.of(view),))
        )
    if ticket["session_id"]:
        messages.append(
            (
                live_stream(ticket["session_id"]),
                lambda seq: SessionCartChanged(seq=seq, ticket=view),
                (),
            )
        )
    if change is not None:
        store_view = store_ticket_view(ticket)
        messages.append(
            (
                store_stream(store.id),
                lambda seq: TicketEvent(seq=seq, change=change, ticket=store_view),
                (),
            )
        )
    yield from outbox.append_all(fx, messages, now)
    return view


def take(store_id: str, product_id: str, qty: int, now: float) -> Plan[Row]:
    """Hold `qty` more units: the one conditional write that makes overselling impossible."""
    product = one(
        (
            yield Stmt(
                "UPDATE products SET held = held + ?, stock_version = stock_version + 1, "
                "updated_at = ? WHERE store_id = ? AND product_id = ? AND active = 1 "
                "AND on_hand - held - sold_pending >= ? RETURNING *",
                (qty, now, store_id, product_id, qty),
            )
        )
    )
    if product is not None:
        return product
    current = yield from product_row(store_id, product_id)
    if current is None or not current["active"]:
        raise rules.no_product_on_sale(store_id, product_id)
    avail = rules.available(current["on_hand"], current["held"], current["sold_pending"])
    raise rules.insufficient(qty, avail)


def give_back(store_id: str, product_id: str, qty: int, now: float) -> Plan[Row]:
    product = one(
        (
            yield Stmt(
                "UPDATE products SET held = held - ?, stock_version = stock_version + 1, "
                "updated_at = ? WHERE store_id = ? AND product_id = ? RETURNING *",
                (qty, now, store_id, product_id),
            )
        )
    )
    assert product is not None, "a held ticket's product cannot vanish"
    return product


def own_held_ticket(cart_id: str, ticket_id: str) -> Plan[Row]:
    """A cart can only touch its own tickets; another cart's ticket looks like no ticket at all."""
    ticket = one(
        (yield Stmt("SELECT * FROM tickets WHERE id = ? AND cart_id = ?", (ticket_id, cart_id)))
    )
    if ticket is None:
        raise rules.no_ticket(ticket_id)
    rules.check_held(ticket["state"])
    return ticket


def update_ticket(ticket: Row, assignments: str, params: Sequence[object], now: float) -> Plan[Row]:
    """Change a held ticket if nobody changed it since it was read (optimistic concurrency)."""
    row = one(
        (
            yield Stmt(
                f"UPDATE tickets SET {assignments}, version = version + 1, updated_at = ? "
                "WHERE id = ? AND version = ? AND state = 'held' RETURNING *",
                (*params, now, ticket["id"], ticket["version"]),
            )
        )
    )
    if row is None:
        raise rules.ticket_changed()
    return row
