"""What the REST store API answers beyond the channel's own messages: a store's identity, its
catalogue with stock, the carts holding its products, and its customers. The hub builds these
views; a store's client (any language) reads them."""

from __future__ import annotations

from pydantic import Field

from .common import Money, Outbound
from .store import StockLevel, StoreSettings


class StoreInfo(Outbound):
    id: str
    name: str
    settings: StoreSettings


class ProductView(Outbound):
    """A catalogue entry with its stock levels."""

    id: str
    name: str
    code: str
    price: Money
    image_url: str | None
    page_url: str | None
    tags: list[str]
    ttl_seconds: float | None
    active: bool
    category: str | None = None
    listed: bool = True
    stock: StockLevel


class HeldCart(Outbound):
    """A cart holding the store's products now, by its pseudonym."""

    cart_ref: str
    items: int
    units: int
    since: float
    next_expiry: float


class CustomerView(Outbound):
    cart_ref: str
    email: str
    name: str
    orders: int
    first_order_at: float
    last_order_at: float
    products: dict[str, int] = Field(description="Units bought, by product id")
    tags: dict[str, int] = Field(description="Units bought, by product tag: their preferences")


class WebhookDelivery(Outbound):
    """One webhook POST the hub owes a store, and how its delivery went (newest first)."""

    id: int
    url: str
    order_id: str
    change: str = Field(description="placed or updated: the order event's `change`")
    status: str = Field(description="The order's status the event reports")
    created_at: float
    attempts: int
    delivered_at: float | None = Field(description="When the store answered 2xx; None: not yet")
    next_try_at: float | None = Field(description="When it is tried again; None once delivered")
    last_error: str | None = Field(description="Why the last attempt failed (e.g. HTTP 401)")
