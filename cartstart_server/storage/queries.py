"""Read-only plans: snapshots and lookups (each runs in one read transaction, so a snapshot and
its `head_seq` agree)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from shared_protocol.cart import CartSnapshot
from shared_protocol.common import Availability
from shared_protocol.errors import ErrorCode, ProtocolError
from shared_protocol.orders import DiscountView, OrderView, StoreOrderView
from shared_protocol.page import Holding
from shared_protocol.store import StoreSnapshot

from ..domain.tickets import cart_ref
from . import outbox
from .directory import StoreRow, require_store
from .ledger import product_row
from .orders import discount_view
from .sql import Plan, Row, Stmt, one
from .views import availability, store_ticket_view, ticket_view


def cart_snapshot(cart_id: str, now: float) -> Plan[CartSnapshot]:
    head, _ = yield from outbox.stream_state(outbox.cart_owner(cart_id))
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
        raise ProtocolError(ErrorCode.NOT_FOUND, f"this store has no order {order_id!r}")
    return StoreOrderView.model_validate_json(row["doc"])


def customers(store_id: str, query: str = "", product_id: str | None = None) -> Plan[list[Row]]:
    """The store's customers (from its orders), matching `query` in name, email or a product
    bought (id or name), and having bought `product_id` when given."""
    rows = yield Stmt(
        "SELECT * FROM customers WHERE store_id = ? ORDER BY last_order_at DESC", (store_id,)
    )
    names = {
        r["product_id"]: r["name"].lower()
        for r in (
            yield Stmt("SELECT product_id, name FROM products WHERE store_id = ?", (store_id,))
        )
    }
    needle = query.strip().lower()
    out = []
    for row in rows:
        bought: dict[str, int] = json.loads(row["products"])
        if product_id is not None and product_id not in bought:
            continue
        haystack = [row["name"].lower(), row["email"].lower()]
        haystack += [p.lower() for p in bought] + [names.get(p, "") for p in bought]
        if needle and not any(needle in h for h in haystack):
            continue
        out.append(row)
    return out


def carts_holding(store_id: str) -> Plan[list[Row]]:
    """The carts holding this store's products now: pseudonym, units, since when, until when."""
    rows = yield Stmt(
        "SELECT cart_id, COUNT(*) AS items, SUM(qty) AS units, MIN(created_at) AS since, "
        "MIN(expires_at) AS next_expiry FROM tickets WHERE store_id = ? AND state = 'held' "
        "GROUP BY cart_id ORDER BY since",
        (store_id,),
    )
    return [{**r, "cart_ref": cart_ref(store_id, r["cart_id"])} for r in rows]


def store_snapshot(store_id: str) -> Plan[StoreSnapshot]:
    head, _ = yield from outbox.stream_state(outbox.store_owner(store_id))
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


def store_products(store_id: str) -> Plan[list[Row]]:
    yield from require_store(store_id)
    return (
        yield Stmt("SELECT * FROM products WHERE store_id = ? ORDER BY product_id", (store_id,))
    )


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
                    "SELECT qty, expires_at FROM tickets WHERE cart_id = ? AND store_id = ? "
                    "AND product_id = ? AND state = 'held'",
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
                )
            )
    return out
