"""Read-only plans: snapshots and lookups (each runs in one read transaction, so a snapshot and
its `head_seq` agree)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from shared_protocol.cart import CartSnapshot
from shared_protocol.common import Availability, StoreTicketView
from shared_protocol.orders import DiscountView, OrderView, StoreOrderView
from shared_protocol.page import Holding
from shared_protocol.store import StoreSnapshot
from shared_protocol.store_api import CustomerView, HeldCart, ProductView

from ..domain import customers as rules
from ..domain.orders import no_order
from ..domain.tickets import no_product
from ..domain.topics import cart_stream, store_stream
from . import outbox
from .directory import StoreRow, require_store
from .holds import product_row
from .sql import Plan, Stmt, one
from .views import (
    availability,
    customer_view,
    discount_view,
    held_cart,
    product_view,
    store_ticket_view,
    ticket_view,
)


def cart_snapshot(cart_id: str, now: float) -> Plan[CartSnapshot]:
    head, _ = yield from outbox.stream_state(cart_stream(cart_id))
    tickets = yield Stmt(
        "SELECT * FROM tickets WHERE cart_id = ? AND state = 'held' ORDER BY created_at, id",
        (cart_id,),
    )
    stores: dict[str, StoreRow] = {}
    views = []
    avail = []
    for ticket in tickets:
        if ticket["store_id"] not in stores:
            stores[ticket["store_id"]] = yield from require_store(ticket["store_id"])
        product = yield from product_row(ticket["store_id"], ticket["product_id"])
        assert product is not None
        views.append(ticket_view(ticket, product, stores[ticket["store_id"]]))
        avail.append(availability(product))
    orders = yield Stmt(
        "SELECT doc FROM orders WHERE cart_id = ? ORDER BY created_at, id", (cart_id,)
    )
    return CartSnapshot(
        head_seq=head,
        tickets=views,
        availability=avail,
        orders=[OrderView.model_validate_json(o["doc"]) for o in orders],
        discounts=(yield from cart_discounts(cart_id, now)),
    )


def cart_discounts(cart_id: str, now: float) -> Plan[list[DiscountView]]:
    rows = yield Stmt(
        "SELECT d.*, s.name AS store_name FROM discounts d JOIN stores s ON s.id = d.store_id "
        "WHERE d.cart_id = ? AND d.used_at IS NULL AND d.expires_at > ? ORDER BY d.created_at",
        (cart_id, now),
    )
    return [discount_view(r, r["store_name"]) for r in rows]


def store_orders(store_id: str, status: str | None = None) -> Plan[list[StoreOrderView]]:
    rows = yield Stmt(
        "SELECT doc FROM orders WHERE store_id = ? AND (CAST(? AS TEXT) IS NULL OR status = ?) "
        "ORDER BY created_at DESC, id",
        (store_id, status, status),
    )
    return [StoreOrderView.model_validate_json(r["doc"]) for r in rows]


def store_order(store_id: str, order_id: str) -> Plan[StoreOrderView]:
    row = one(
        (yield Stmt("SELECT doc FROM orders WHERE id = ? AND store_id = ?", (order_id, store_id)))
    )
    if row is None:
        raise no_order(order_id)
    return StoreOrderView.model_validate_json(row["doc"])


def customers(
    store_id: str, query: str = "", product_id: str | None = None
) -> Plan[list[CustomerView]]:
    """The store's customers (from its orders), matching `query` in name, email or a product
    bought (id or name), and having bought `product_id` when given."""
    rows = yield Stmt(
        "SELECT * FROM customers WHERE store_id = ? ORDER BY last_order_at DESC", (store_id,)
    )
    names = {
        r["product_id"]: r["name"]
        for r in (
            yield Stmt("SELECT product_id, name FROM products WHERE store_id = ?", (store_id,))
        )
    }
    return [
        customer_view(row)
        for row in rows
        if rules.matches(
            query,
            name=row["name"],
            email=row["email"],
            bought=json.loads(row["products"]),
            product_names=names,
            product_id=product_id,
        )
    ]


def carts_holding(store_id: str) -> Plan[list[HeldCart]]:
    """The carts holding this store's products now: pseudonym, units, since when, until when."""
    rows = yield Stmt(
        "SELECT cart_id, COUNT(*) AS items, SUM(qty) AS units, MIN(created_at) AS since, "
        "MIN(expires_at) AS next_expiry FROM tickets WHERE store_id = ? AND state = 'held' "
        "GROUP BY cart_id ORDER BY since",
        (store_id,),
    )
    return [held_cart(r, store_id) for r in rows]


def cart_holds(store_id: str, cart_id: str) -> Plan[list[StoreTicketView]]:
    """What one cart holds of this store's products, as the store sees it (by pseudonym)."""
    rows = yield Stmt(
        "SELECT * FROM tickets WHERE store_id = ? AND cart_id = ? AND state = 'held' "
        "ORDER BY created_at, id",
        (store_id, cart_id),
    )
    return [store_ticket_view(t) for t in rows]


def store_snapshot(store_id: str) -> Plan[StoreSnapshot]:
    head, _ = yield from outbox.stream_state(store_stream(store_id))
    tickets = yield Stmt(
        "SELECT * FROM tickets WHERE store_id = ? AND state = 'held' ORDER BY created_at, id",
        (store_id,),
    )
    open_orders = yield Stmt(
        "SELECT doc FROM orders WHERE store_id = ? AND status IN ('placed', 'confirmed', "
        "'dispatched') ORDER BY created_at, id",
        (store_id,),
    )
    return StoreSnapshot(
        head_seq=head,
        tickets=[store_ticket_view(t) for t in tickets],
        orders=[StoreOrderView.model_validate_json(o["doc"]) for o in open_orders],
    )


def availability_of(refs: Iterable[tuple[str, str]]) -> Plan[list[Availability]]:
    """Current availability of the products that exist among `refs` (others are left out)."""
    out = []
    for store_id, product_id in refs:
        product = yield from product_row(store_id, product_id)
        if product is not None:
            out.append(availability(product))
    return out


def store_products(store_id: str) -> Plan[list[ProductView]]:
    yield from require_store(store_id)
    rows = yield Stmt("SELECT * FROM products WHERE store_id = ? ORDER BY product_id", (store_id,))
    return [product_view(r) for r in rows]


def store_product(store_id: str, product_id: str) -> Plan[ProductView]:
    row = yield from product_row(store_id, product_id)
    if row is None:
        raise no_product(product_id)
    return product_view(row)


def ticket_counts() -> Plan[dict[str, int]]:
    rows = yield Stmt("SELECT state, COUNT(*) AS n FROM tickets GROUP BY state")
    return {str(r["state"]): int(r["n"]) for r in rows}


def holdings(cart_id: str, refs: Iterable[tuple[str, str]]) -> Plan[list[Holding]]:
    """The cart's held tickets among `refs` (a linked page's "in your cart")."""
    out = []
    for store_id, product_id in refs:
        row = one(
            (
                yield Stmt(
                    "SELECT t.qty, t.expires_at, p.form FROM tickets t JOIN products p "
                    "ON p.store_id = t.store_id AND p.product_id = t.product_id "
                    "WHERE t.cart_id = ? AND t.store_id = ? AND t.product_id = ? "
                    "AND t.state = 'held'",
                    (cart_id, store_id, product_id),
                )
            )
        )
        if row is not None:
            out.append(
                Holding(
                    store_id=store_id,
                    product_id=product_id,
                    qty=row["qty"],
                    expires_at=row["expires_at"],
                    personalised=row["form"] is not None,
                )
            )
    return out
