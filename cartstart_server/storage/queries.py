"""Read-only plans: snapshots and lookups (each runs in one read transaction, so a snapshot and
its `head_seq` agree)."""

from __future__ import annotations

from collections.abc import Iterable

from shared_protocol.cart import CartSnapshot
from shared_protocol.common import Availability
from shared_protocol.page import Holding
from shared_protocol.store import StoreSnapshot

from . import outbox
from .directory import StoreRow, require_store
from .ledger import product_row
from .sql import Plan, Row, Stmt, one
from .views import availability, store_ticket_view, ticket_view


def cart_snapshot(cart_id: str) -> Plan[CartSnapshot]:
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
    return CartSnapshot(head_seq=head, tickets=views, availability=avail)


def store_snapshot(store_id: str) -> Plan[StoreSnapshot]:
    head, _ = yield from outbox.stream_state(outbox.store_owner(store_id))
    tickets = yield Stmt(
        "SELECT * FROM tickets WHERE store_id = ? AND state = 'held' ORDER BY created_at, id",
        (store_id,),
    )
    return StoreSnapshot(head_seq=head, tickets=[store_ticket_view(t) for t in tickets])


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
