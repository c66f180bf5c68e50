"""The ticket ledger: every change to holds and stock, as transactions that tell carts and stores.

Invariant kept by every plan here: `products.held` is the sum of `qty` over the product's held
tickets, and a reservation only succeeds through ONE conditional UPDATE that checks availability
(no read-then-write), so concurrent reservations cannot oversell on any backend.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from shared_protocol.cart import (
    ItemAdded,
    QuantityChanged,
    TicketExpired,
    TicketExpiringSoon,
    TicketReleased,
    TicketRenewed,
    TicketRevoked,
)
from shared_protocol.common import RevokeReason, StoreTicketView, TicketView
from shared_protocol.errors import ErrorCode, ProtocolError
from shared_protocol.store import ProductIn, StockLevel, TicketChange, TicketEvent

from ..domain import tickets as rules
from . import outbox
from .directory import StoreRow, require_store
from .sql import Effects, Plan, Row, Stmt, one
from .views import availability, stock_level, store_ticket_view, ticket_view

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


def _no_product(store_id: str, product_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND, f"store {store_id!r} has no product {product_id!r} on sale"
    )


def _stock_changed(fx: Effects, product: Row) -> None:
    fx.availability[product["store_id"], product["product_id"]] = availability(
        product
    ).model_dump_json()


def _tell(
    fx: Effects,
    ticket: Row,
    product: Row,
    store: StoreRow,
    cart_event: CartEventFactory,
    change: TicketChange | None,
    now: float,
) -> Plan[TicketView]:
    """Append the cart's event (and the store's, unless `change` is None) for a changed ticket."""
    view = ticket_view(ticket, product, store)
    messages: list[tuple[str, Callable[[int], BaseModel]]] = [
        (outbox.cart_owner(ticket["cart_id"]), lambda seq: cart_event(seq, view))
    ]
    if change is not None:
        store_view = store_ticket_view(ticket)
        messages.append(
            (
                outbox.store_owner(store.id),
                lambda seq: TicketEvent(seq=seq, change=change, ticket=store_view),
            )
        )
    yield from outbox.append_all(fx, messages, now)
    return view


def _take(store_id: str, product_id: str, qty: int, now: float) -> Plan[Row]:
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
        raise _no_product(store_id, product_id)
    avail = rules.available(current["on_hand"], current["held"], current["sold_pending"])
    raise rules.insufficient(qty, avail)


def _give_back(store_id: str, product_id: str, qty: int, now: float) -> Plan[Row]:
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
) -> Plan[TicketView]:
    store = yield from require_store(store_id)
    product = yield from _take(store_id, product_id, qty, now)
    due = rules.deadlines(now, rules.ttl_for(product["ttl"], store.default_ttl), warn_before)
    # One statement either way: a new held ticket, or the cart's held one grown (a repeat pick).
    ticket = one(
        (
            yield Stmt(
                "INSERT INTO tickets (id, store_id, product_id, cart_id, qty, state, "
                "created_at, updated_at, expires_at, warn_at, source_url) "
                "VALUES (?, ?, ?, ?, ?, 'held', ?, ?, ?, ?, ?) "
                "ON CONFLICT (cart_id, store_id, product_id) WHERE state = 'held' DO UPDATE SET "
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
                ),
            )
        )
    )
    assert ticket is not None
    if ticket["id"] != new_ticket_id:
        view = yield from _tell(
            fx,
            ticket,
            product,
            store,
            lambda seq, v: QuantityChanged(seq=seq, ticket=v, previous_qty=v.qty - qty),
            TicketChange.GROWN,
            now,
        )
    else:
        fx.deadlines.append(due.warn_at)
        view = yield from _tell(
            fx,
            ticket,
            product,
            store,
            lambda seq, v: ItemAdded(seq=seq, ticket=v),
            TicketChange.CREATED,
            now,
        )
    _stock_changed(fx, product)
    return view


def _own_held_ticket(cart_id: str, ticket_id: str) -> Plan[Row]:
    """A cart can only touch its own tickets; another cart's ticket looks like no ticket at all."""
    ticket = one(
        (yield Stmt("SELECT * FROM tickets WHERE id = ? AND cart_id = ?", (ticket_id, cart_id)))
    )
    if ticket is None:
        raise ProtocolError(ErrorCode.NOT_FOUND, f"no ticket {ticket_id!r} in this cart")
    rules.check_held(ticket["state"])
    return ticket


def _update_ticket(
    ticket: Row, assignments: str, params: Sequence[object], now: float
) -> Plan[Row]:
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
        raise ProtocolError(
            ErrorCode.INVALID_STATE, "the ticket changed meanwhile; fetch it and retry"
        )
    return row


def set_quantity(
    fx: Effects, *, cart_id: str, ticket_id: str, qty: int, now: float
) -> Plan[TicketView]:
    if qty == 0:
        return (yield from release(fx, cart_id=cart_id, ticket_id=ticket_id, now=now))
    ticket = yield from _own_held_ticket(cart_id, ticket_id)
    store = yield from require_store(ticket["store_id"])
    delta = qty - ticket["qty"]
    if delta == 0:
        product = yield from product_row(ticket["store_id"], ticket["product_id"])
        assert product is not None
        return ticket_view(ticket, product, store)
    if delta > 0:
        try:
            product = yield from _take(ticket["store_id"], ticket["product_id"], delta, now)
        except ProtocolError as exc:
            if exc.code is ErrorCode.INSUFFICIENT_STOCK:
                more = int(exc.details["available"])
                exc.details["max_qty"] = ticket["qty"] + more
                exc.message = (
                    f"only {more} more left: this cart can hold at most {ticket['qty'] + more}"
                )
            raise
    else:
        product = yield from _give_back(ticket["store_id"], ticket["product_id"], -delta, now)
    previous = ticket["qty"]
    ticket = yield from _update_ticket(ticket, "qty = ?", (qty,), now)
    view = yield from _tell(
        fx,
        ticket,
        product,
        store,
        lambda seq, v: QuantityChanged(seq=seq, ticket=v, previous_qty=previous),
        TicketChange.GROWN if delta > 0 else TicketChange.SHRUNK,
        now,
    )
    _stock_changed(fx, product)
    return view


def release(fx: Effects, *, cart_id: str, ticket_id: str, now: float) -> Plan[TicketView]:
    ticket = yield from _own_held_ticket(cart_id, ticket_id)
    store = yield from require_store(ticket["store_id"])
    ticket = yield from _update_ticket(ticket, "state = 'released'", (), now)
    product = yield from _give_back(ticket["store_id"], ticket["product_id"], ticket["qty"], now)
    view = yield from _tell(
        fx,
        ticket,
        product,
        store,
        lambda seq, v: TicketReleased(seq=seq, ticket=v),
        TicketChange.RELEASED,
        now,
    )
    _stock_changed(fx, product)
    return view


def renew(
    fx: Effects, *, cart_id: str, ticket_id: str, now: float, warn_before: float
) -> Plan[TicketView]:
    ticket = yield from _own_held_ticket(cart_id, ticket_id)
    store = yield from require_store(ticket["store_id"])
    rules.check_renewable(ticket["renewals"], store.renewal_limit)
    product = yield from product_row(ticket["store_id"], ticket["product_id"])
    assert product is not None
    due = rules.deadlines(now, rules.ttl_for(product["ttl"], store.default_ttl), warn_before)
    ticket = yield from _update_ticket(
        ticket,
        "expires_at = ?, warn_at = ?, warned = 0, renewals = renewals + 1",
        (due.expires_at, due.warn_at),
        now,
    )
    fx.deadlines.append(due.warn_at)
    return (
        yield from _tell(
            fx,
            ticket,
            product,
            store,
            lambda seq, v: TicketRenewed(seq=seq, ticket=v),
            TicketChange.RENEWED,
            now,
        )
    )


def process_due(fx: Effects, *, now: float, limit: int) -> Plan[tuple[int, int]]:
    """Expire held tickets whose deadline has passed and warn those about to expire; returns
    (expired, warned).

    Each UPDATE re-checks state and deadline, so a ticket expires exactly once even when two hub
    nodes (or a restarted hub) process the same deadline.
    """
    stores: dict[str, StoreRow] = {}

    def store_of(store_id: str) -> Plan[StoreRow]:
        if store_id not in stores:
            stores[store_id] = yield from require_store(store_id)
        return stores[store_id]

    expired = warned = 0
    due = yield Stmt(
        "SELECT id, qty FROM tickets WHERE state = 'held' AND expires_at <= ? "
        "ORDER BY expires_at LIMIT ?",
        (now, limit),
    )
    for candidate in due:
        ticket = one(
            (
                yield Stmt(
                    "UPDATE tickets SET state = 'expired', version = version + 1, updated_at = ? "
                    "WHERE id = ? AND state = 'held' AND expires_at <= ? RETURNING *",
                    (now, candidate["id"], now),
                )
            )
        )
        if ticket is None:
            continue
        product = yield from _give_back(
            ticket["store_id"], ticket["product_id"], ticket["qty"], now
        )
        store = yield from store_of(ticket["store_id"])
        yield from _tell(
            fx,
            ticket,
            product,
            store,
            lambda seq, v: TicketExpired(seq=seq, ticket=v),
            TicketChange.EXPIRED,
            now,
        )
        _stock_changed(fx, product)
        expired += 1
    warn = yield Stmt(
        "SELECT id FROM tickets WHERE state = 'held' AND warned = 0 AND warn_at <= ? "
        "ORDER BY warn_at LIMIT ?",
        (now, limit),
    )
    for candidate in warn:
        ticket = one(
            (
                yield Stmt(
                    "UPDATE tickets SET warned = 1 WHERE id = ? AND warned = 0 AND state = 'held' "
                    "RETURNING *",
                    (candidate["id"],),
                )
            )
        )
        if ticket is None:
            continue
        shown = yield from product_row(ticket["store_id"], ticket["product_id"])
        assert shown is not None
        store = yield from store_of(ticket["store_id"])
        yield from _tell(
            fx,
            ticket,
            shown,
            store,
            lambda seq, v: TicketExpiringSoon(seq=seq, ticket=v),
            None,
            now,
        )
        warned += 1
    return expired, warned


def next_deadline() -> Plan[float | None]:
    """The earliest moment the ledger needs attention: an expiry or a warning."""
    rows = yield Stmt(
        "SELECT MIN(expires_at) AS t FROM tickets WHERE state = 'held' "
        "UNION ALL SELECT MIN(warn_at) AS t FROM tickets WHERE state = 'held' AND warned = 0"
    )
    times = [float(r["t"]) for r in rows if r["t"] is not None]
    return min(times) if times else None


def change_stock(
    fx: Effects,
    *,
    store_id: str,
    product_id: str,
    on_hand: int | None = None,
    delta: int | None = None,
    now: float,
) -> Plan[tuple[StockLevel, list[StoreTicketView]]]:
    """Apply the store's count (absolute or relative). If carts now hold more than the shop has,
    the newest holds give way and their carts are told why."""
    if on_hand is not None:
        stmt = Stmt(
            "UPDATE products SET on_hand = ?, stock_version = stock_version + 1, updated_at = ? "
            "WHERE store_id = ? AND product_id = ? RETURNING *",
            (on_hand, now, store_id, product_id),
        )
    else:
        stmt = Stmt(
            "UPDATE products SET on_hand = on_hand + ?, stock_version = stock_version + 1, "
            "updated_at = ? WHERE store_id = ? AND product_id = ? AND on_hand + ? >= 0 "
            "RETURNING *",
            (delta, now, store_id, product_id, delta),
        )
    product = one((yield stmt))
    if product is None:
        current = yield from product_row(store_id, product_id)
        if current is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"no product {product_id!r} in this store")
        raise ProtocolError(
            ErrorCode.CONFLICT,
            f"on hand would go below zero (it is {current['on_hand']})",
            on_hand=current["on_hand"],
        )
    deficit = min(product["held"], product["held"] + product["sold_pending"] - product["on_hand"])
    revoked: list[StoreTicketView] = []
    if deficit > 0:
        store = yield from require_store(store_id)
        holds = yield Stmt(
            "SELECT * FROM tickets WHERE store_id = ? AND product_id = ? AND state = 'held' "
            "ORDER BY created_at DESC, id DESC",
            (store_id, product_id),
        )
        by_id = {t["id"]: t for t in holds}
        taken_total = 0
        for rev in rules.plan_revocations(((t["id"], t["qty"]) for t in holds), deficit):
            old = by_id[rev.ticket_id]
            if rev.new_qty > 0:
                ticket = yield from _update_ticket(old, "qty = ?", (rev.new_qty,), now)
                text = (
                    f"The shop has sold some over the counter; your cart now holds {rev.new_qty}."
                )
            else:
                ticket = yield from _update_ticket(old, "state = 'revoked'", (), now)
                text = "The shop sold this item over the counter."
            taken = rev.taken
            yield from _tell(
                fx,
                ticket,
                product,
                store,
                lambda seq, v, n=taken, m=text: TicketRevoked(  # type: ignore[misc]
                    seq=seq, ticket=v, revoked_qty=n, reason=RevokeReason.SOLD_IN_SHOP, message=m
                ),
                TicketChange.REVOKED if rev.new_qty == 0 else TicketChange.SHRUNK,
                now,
            )
            revoked.append(store_ticket_view(ticket))
            taken_total += taken
        product = yield from _give_back(store_id, product_id, taken_total, now)
    _stock_changed(fx, product)
    return stock_level(product), revoked


_PRODUCT_COLUMNS = (
    "name",
    "code",
    "price_amount",
    "currency",
    "image_url",
    "page_url",
    "tags",
    "ttl",
    "active",
)


def upsert_products(
    fx: Effects, *, store_id: str, products: Sequence[ProductIn], now: float
) -> Plan[int]:
    """Create or update catalogue entries; stock is untouched. Pages hear about products that
    appear, or that are (de)activated."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in _PRODUCT_COLUMNS)
    for item in products:
        before = yield from product_row(store_id, item.id)
        bump = before is None or bool(before["active"]) != item.active
        row = one(
            (
                yield Stmt(
                    "INSERT INTO products (store_id, product_id, name, code, price_amount, "
                    "currency, image_url, page_url, tags, ttl, active, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    f"ON CONFLICT (store_id, product_id) DO UPDATE SET {updates}, "
                    "stock_version = products.stock_version + ?, updated_at = excluded.updated_at "
                    "RETURNING *",
                    (
                        store_id,
                        item.id,
                        item.name,
                        item.code,
                        item.price.amount,
                        item.price.currency,
                        item.image_url,
                        item.page_url,
                        json.dumps(item.tags),
                        item.ttl_seconds,
                        int(item.active),
                        now,
                        int(bump),
                    ),
                )
            )
        )
        assert row is not None
        if bump:
            _stock_changed(fx, row)
    return len(products)
