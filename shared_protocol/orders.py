"""Orders and discount codes: what checkout makes, what stores move along, what carts follow.

An order is one store's part of a checkout: the tickets of that store, now purchased. Its status
moves `placed -> confirmed -> dispatched -> delivered`, or ends `rejected` / `cancelled` with a
reason (domain rules in cartstart_server/domain/orders.py). Every view carries `version`, which
grows with each change: apply a view only if it is newer than the one you have.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from .common import Money, Outbound, Timestamp
from .forms import CustomisedField


class OrderStatus(StrEnum):
    PLACED = "placed"
    CONFIRMED = "confirmed"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class OrderLine(Outbound):
    ticket_id: str
    product_id: str
    name: str
    code: str
    qty: int
    unit_price: Money
    line_total: Money
    customisation: list[CustomisedField] | None = Field(
        None, description="A personalised product's finished form (docs/personalise.md)"
    )


class OrderStep(Outbound):
    status: OrderStatus
    at: Timestamp
    note: str = ""


class Payment(Outbound):
    """Payment belongs to the store: a link the cart opens, or payment when collecting."""

    mode: Literal["link", "on_collection"]
    url: str | None = None


class OrderView(Outbound):
    order_id: str
    store_id: str
    store_name: str
    status: OrderStatus
    lines: list[OrderLine]
    subtotal: Money
    discount: Money | None = None
    discount_code: str | None = None
    total: Money
    payment: Payment
    carrier: str | None = None
    tracking_url: str | None = None
    reason: str | None = None
    timeline: list[OrderStep]
    created_at: Timestamp
    updated_at: Timestamp
    version: int


class Customer(Outbound):
    """Who ordered, as the store sees them: only after an order with that store."""

    cart_ref: str
    email: str
    name: str


class StoreOrderView(OrderView):
    customer: Customer


class DiscountView(Outbound):
    """A code a store offered to one cart: single use, expiring, for that store's products."""

    code: str
    store_id: str
    store_name: str
    percent_off: int | None = None
    amount_off: Money | None = None
    message: str = ""
    expires_at: Timestamp
    used: bool = False
    cart_ref: str | None = Field(None, description="Only in the store's view")
