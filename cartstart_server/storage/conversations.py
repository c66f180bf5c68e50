"""Conversations from the store's pages as plans: a product's page address, and the durable
`navigated` event (services/conversations.py)."""

from __future__ import annotations

from shared_protocol.conversations import Navigated

from ..domain import selling as rules
from . import selling
from .selling import SessionRow
from .sql import Effects, Plan, Stmt, one


def product_page(store_id: str, product_id: str) -> Plan[str | None]:
    """The page address of one of the store's products on sale (None: it has none)."""
    row = one(
        (
            yield Stmt(
                "SELECT page_url FROM products WHERE store_id = ? AND product_id = ? "
                "AND active = 1",
                (store_id, product_id),
            )
        )
    )
    if row is None:
        raise rules.no_product(product_id[:100])
    return row["page_url"] or None


def navigated(fx: Effects, s: SessionRow, url: str, now: float) -> Plan[int]:
    return (
        yield from selling.append(
            fx, s.id, lambda seq: Navigated(seq=seq, url=url, by="store"), now
        )
    )
