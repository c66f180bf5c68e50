"""Rows to protocol views: the one place that knows both column names and message fields."""

from __future__ import annotations

from shared_protocol.common import Availability, Money, StoreTicketView, TicketState, TicketView
from shared_protocol.store import StockLevel, StoreSettings

from ..domain.tickets import available, cart_ref, renewals_left
from .directory import StoreRow
from .sql import Row


def availability(product: Row) -> Availability:
    """Inactive products show as unavailable, whatever their count."""
    count = available(product["on_hand"], product["held"], product["sold_pending"])
    return Availability(
        store_id=product["store_id"],
        product_id=product["product_id"],
        available=max(count, 0) if product["active"] else 0,
        version=int(product["stock_version"]),
    )


def stock_level(product: Row) -> StockLevel:
    return StockLevel(
        product_id=product["product_id"],
        on_hand=product["on_hand"],
        held=product["held"],
        sold_pending=product["sold_pending"],
        available=available(product["on_hand"], product["held"], product["sold_pending"]),
        version=int(product["stock_version"]),
    )


def ticket_view(ticket: Row, product: Row, store: StoreRow) -> TicketView:
    return TicketView(
        ticket_id=ticket["id"],
        store_id=ticket["store_id"],
        store_name=store.name,
        product_id=ticket["product_id"],
        name=product["name"],
        code=product["code"],
        price=Money(amount=product["price_amount"], currency=product["currency"]),
        image_url=product["image_url"],
        page_url=product["page_url"],
        source_url=ticket["source_url"],
        qty=ticket["qty"],
        state=TicketState(ticket["state"]),
        created_at=ticket["created_at"],
        expires_at=ticket["expires_at"],
        renewals_left=renewals_left(ticket["renewals"], store.renewal_limit),
        version=ticket["version"],
    )


def store_ticket_view(ticket: Row) -> StoreTicketView:
    return StoreTicketView(
        ticket_id=ticket["id"],
        product_id=ticket["product_id"],
        cart_ref=cart_ref(ticket["store_id"], ticket["cart_id"]),
        qty=ticket["qty"],
        state=TicketState(ticket["state"]),
        created_at=ticket["created_at"],
        expires_at=ticket["expires_at"],
        version=ticket["version"],
    )


def settings_of(store: StoreRow) -> StoreSettings:
    return StoreSettings(
        default_ttl_seconds=store.default_ttl,
        renewal_limit=store.renewal_limit,
        origins=list(store.origins),
    )
