"""Rows to protocol views: the one place that knows both column names and message fields."""

from __future__ import annotations

import json

from shared_protocol.accounts import LinkTokenView
from shared_protocol.agents import AgentView
from shared_protocol.common import Availability, Money, StoreTicketView, TicketState, TicketView
from shared_protocol.orders import DiscountView
from shared_protocol.store import StockLevel, StoreSettings
from shared_protocol.store_api import (
    CustomerView,
    HeldCart,
    ProductView,
    StoreInfo,
    WebhookDelivery,
)

from ..domain.tickets import available, cart_ref, renewals_left
from .agents import AgentRow
from .directory import StoreRow, TokenRow
from .sql import Row


def count_of(product: Row) -> tuple[int, int]:
    """(available, version); inactive products show as unavailable, whatever their count."""
    count = available(product["on_hand"], product["held"], product["sold_pending"])
    return (max(count, 0) if product["active"] else 0, int(product["stock_version"]))


def availability(product: Row) -> Availability:
    count, version = count_of(product)
    return Availability(
        store_id=product["store_id"],
        product_id=product["product_id"],
        available=count,
        version=version,
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
        personalised=product.get("form") is not None,
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
        payment_url_template=store.payment_url_template,
        webhook_url=store.webhook_url,
        contact_email=store.contact_email,
    )


def store_info(store: StoreRow) -> StoreInfo:
    return StoreInfo(id=store.id, name=store.name, settings=settings_of(store))


def product_view(row: Row) -> ProductView:
    return ProductView(
        id=row["product_id"],
        name=row["name"],
        code=row["code"],
        price=Money(amount=row["price_amount"], currency=row["currency"]),
        image_url=row["image_url"],
        page_url=row["page_url"],
        tags=json.loads(row["tags"]),
        ttl_seconds=row["ttl"],
        active=bool(row["active"]),
        category=row["category"],
        listed=bool(row["listed"]),
        stock=stock_level(row),
    )


def held_cart(row: Row, store_id: str) -> HeldCart:
    return HeldCart(
        cart_ref=cart_ref(store_id, row["cart_id"]),
        items=row["items"],
        units=row["units"],
        since=row["since"],
        next_expiry=row["next_expiry"],
    )


def customer_view(row: Row) -> CustomerView:
    return CustomerView(
        cart_ref=row["cart_ref"],
        email=row["email"],
        name=row["name"],
        orders=row["orders"],
        first_order_at=row["first_order_at"],
        last_order_at=row["last_order_at"],
        products=json.loads(row["products"]),
        tags=json.loads(row["tags"]),
    )


def discount_view(row: Row, store_name: str) -> DiscountView:
    amount = (
        Money(amount=row["amount_off"], currency=row["currency"])
        if row["amount_off"] is not None
        else None
    )
    return DiscountView(
        code=row["code"],
        store_id=row["store_id"],
        store_name=store_name,
        percent_off=row["percent_off"],
        amount_off=amount,
        message=row["message"],
        expires_at=row["expires_at"],
        used=row["used_at"] is not None,
    )


def link_token_view(token: TokenRow) -> LinkTokenView:
    return LinkTokenView(
        token_id=token.id,
        store_id=token.store_id,
        label=token.label,
        created_at=token.created_at,
        expires_at=token.expires_at,
        kind="browser" if token.kind == "browser" else "link",
        browser_id=token.browser_id,
    )


def webhook_delivery(row: Row) -> WebhookDelivery:
    event = json.loads(row["body"])  # the order event as sent (a report, not a delivery path)
    delivered = row["delivered_at"] is not None
    return WebhookDelivery(
        id=row["id"],
        url=row["url"],
        order_id=event["order"]["order_id"],
        change=event["change"],
        status=event["order"]["status"],
        created_at=row["created_at"],
        attempts=row["attempts"],
        delivered_at=row["delivered_at"],
        next_try_at=None if delivered else row["next_try_at"],
        last_error=row["last_error"],
    )


def agent_view(agent: AgentRow) -> AgentView:
    return AgentView(
        agent_id=agent.id,
        store_id=agent.store_id,
        email=agent.email,
        name=agent.name,
        role="owner" if agent.role == "owner" else "agent",
        active=agent.password_hash is not None,
        created_at=agent.created_at,
        support=bool(agent.support),
        chat_cap=agent.chat_cap,
    )
