"""A store's catalogue and stock: upsert products, and set or adjust what is on hand (the
newest holds give way when carts hold more than the shop has)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from shared_protocol.cart import TicketRevoked
from shared_protocol.common import RevokeReason, StoreTicketView
from shared_protocol.store import ProductIn, StockLevel, TicketChange

from ..domain import tickets as rules
from ..domain.selling import search_text
from . import market
from .directory import require_store
from .holds import give_back, product_row, stock_changed, tell, update_ticket
from .sql import Effects, Plan, Stmt, one
from .views import stock_level, store_ticket_view


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
    seq = yield from market.bump()  # first: the marketplace's counter orders its writers
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
            raise rules.no_product(product_id)
        raise rules.below_zero(current["on_hand"])
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
                ticket = yield from update_ticket(old, "qty = ?", (rev.new_qty,), now)
            else:
                ticket = yield from update_ticket(old, "state = 'revoked'", (), now)
            text = rules.revocation_message(rev.new_qty)
            taken = rev.taken
            yield from tell(
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
        product = yield from give_back(store_id, product_id, taken_total, now)
    stock_changed(fx, product)
    yield from market.stamp(store_id, [product_id], seq)
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
    "search_text",
    "category",
    "listed",
    "market_seq",
)


def upsert_products(
    fx: Effects, *, store_id: str, products: Sequence[ProductIn], now: float
) -> Plan[int]:
    """Create or update catalogue entries; stock is untouched. Pages hear about products that
    appear, or that are (de)activated."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in _PRODUCT_COLUMNS)
    seq = yield from market.bump()  # first: the marketplace's counter orders its writers
    yield from market.check_categories(item.category for item in products)
    for item in products:
        before = yield from product_row(store_id, item.id)
        bump = before is None or bool(before["active"]) != item.active
        row = one(
            (
                yield Stmt(
                    "INSERT INTO products (store_id, product_id, name, code, price_amount, "
                    "currency, image_url, page_url, tags, ttl, active, search_text, category, "
                    "listed, market_seq, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
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
                        search_text(item.name, item.code, item.tags),
                        item.category,
                        int(item.listed),
                        seq,
                        now,
                        int(bump),
                    ),
                )
            )
        )
        assert row is not None
        if bump:
            stock_changed(fx, row)
    return len(products)
