"""What a cart does to its holds: reserve, change the quantity, release, renew."""

from __future__ import annotations

from shared_protocol.cart import ItemAdded, QuantityChanged, TicketReleased, TicketRenewed
from shared_protocol.common import TicketView
from shared_protocol.errors import ProtocolError
from shared_protocol.store import TicketChange

from ..domain import tickets as rules
from ..domain.forms import guest_cannot_personalise
from ..domain.topics import is_guest_cart
from .directory import require_store
from .holds import (
    CartEventFactory,
    give_back,
    own_held_ticket,
    product_row,
    stock_changed,
    take,
    tell,
    update_ticket,
)
from .sql import Effects, Plan, Stmt, one
from .views import ticket_view


def reserve(
    fx: Effects,
    *,
    new_ticket_id: str,
    cart_id: str,
    store_id: str,
    product_id: str,
    qty: int,
    source_url: str | None,
    now: float,
    warn_before: float,
    session_id: str = "",
) -> Plan[TicketView]:
    """Hold `qty` of a product for a cart (for one of its live sessions, with `session_id`)."""
    store = yield from require_store(store_id)
    product = yield from take(store_id, product_id, qty, now)
    if session_id and is_guest_cart(cart_id) and product.get("form") is not None:
        # A live session's guest has no cart to fill a form in (a marketplace solution's cart
        # is refused before, naming the line; an accepted quote is bought as quoted).
        raise guest_cannot_personalise(product["name"])
    due = rules.deadlines(now, rules.ttl_for(product["ttl"], store.default_ttl), warn_before)
    # One statement either way: a new held ticket, or the cart's held one grown (a repeat pick).
    ticket = one(
        (
            yield Stmt(
                "INSERT INTO tickets (id, store_id, product_id, cart_id, qty, state, "
                "created_at, updated_at, expires_at, warn_at, source_url, session_id) "
                "VALUES (?, ?, ?, ?, ?, 'held', ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (cart_id, store_id, product_id, session_id) WHERE state = 'held' "
                "DO UPDATE SET "
                "qty = tickets.qty + excluded.qty, version = tickets.version + 1, "
                "updated_at = excluded.updated_at, "
                "source_url = COALESCE(excluded.source_url, tickets.source_url) RETURNING *",
                (
                    new_ticket_id,
                    store_id,
                    product_id,
                    cart_id,
                    qty,
                    now,
                    now,
                    due.expires_at,
                    due.warn_at,
                    source_url,
                    session_id,
                ),
            )
        )
    )
    assert ticket is not None
    grown = ticket["id"] != new_ticket_id
    event: CartEventFactory = (
        (lambda seq, v: QuantityChanged(seq=seq, ticket=v, previous_qty=v.qty - qty))
        if grown
        else (lambda seq, v: ItemAdded(seq=seq, ticket=v))
    )
    if not grown:
        fx.deadlines.append(due.warn_at)  # a grown ticket keeps its deadline
    change = TicketChange.GROWN if grown else TicketChange.CREATED
    view = yield from tell(fx, ticket, product, store, event, change, now)
    stock_changed(fx, product)
    return view


def set_quantity(
    fx: Effects, *, cart_id: str, ticket_id: str, qty: int, now: float
) -> Plan[TicketView]:
    if qty == 0:
        return (yield from release(fx, cart_id=cart_id, ticket_id=ticket_id, now=now))
    ticket = yield from own_held_ticket(cart_id, ticket_id)
    store = yield from require_store(ticket["store_id"])
    delta = qty - ticket["qty"]
    if delta == 0:
        product = yield from product_row(ticket["store_id"], ticket["product_id"])
        assert product is not None
        return ticket_view(ticket, product, store)
    if delta > 0:
        try:
            product = yield from take(ticket["store_id"], ticket["product_id"], delta, now)
        except ProtocolError as exc:
            raise rules.cannot_grow(exc, ticket["qty"]) from None
    else:
        product = yield from give_back(ticket["store_id"], ticket["product_id"], -delta, now)
    previous = ticket["qty"]
    ticket = yield from update_ticket(ticket, "qty = ?", (qty,), now)
    view = yield from tell(
        fx,
        ticket,
        product,
        store,
        lambda seq, v: QuantityChanged(seq=seq, ticket=v, previous_qty=previous),
        TicketChange.GROWN if delta > 0 else TicketChange.SHRUNK,
        now,
    )
    stock_changed(fx, product)
    return view


def release(fx: Effects, *, cart_id: str, ticket_id: str, now: float) -> Plan[TicketView]:
    ticket = yield from own_held_ticket(cart_id, ticket_id)
    store = yield from require_store(ticket["store_id"])
    ticket = yield from update_ticket(ticket, "state = 'released'", (), now)
    product = yield from give_back(ticket["store_id"], ticket["product_id"], ticket["qty"], now)
    view = yield from tell(
        fx,
        ticket,
        product,
        store,
        lambda seq, v: TicketReleased(seq=seq, ticket=v),
        TicketChange.RELEASED,
        now,
    )
    stock_changed(fx, product)
    return view


def renew(
    fx: Effects, *, cart_id: str, ticket_id: str, now: float, warn_before: float
) -> Plan[TicketView]:
    ticket = yield from own_held_ticket(cart_id, ticket_id)
    store = yield from require_store(ticket["store_id"])
    rules.check_renewable(ticket["renewals"], store.renewal_limit)
    product = yield from product_row(ticket["store_id"], ticket["product_id"])
    assert product is not None
    due = rules.deadlines(now, rules.ttl_for(product["ttl"], store.default_ttl), warn_before)
    ticket = yield from update_ticket(
        ticket,
        "expires_at = ?, warn_at = ?, warned = 0, renewals = renewals + 1",
        (due.expires_at, due.warn_at),
        now,
    )
    fx.deadlines.append(due.warn_at)
    return (
        yield from tell(
            fx,
            ticket,
            product,
            store,
            lambda seq, v: TicketRenewed(seq=seq, ticket=v),
            TicketChange.RENEWED,
            now,
        )
    )
