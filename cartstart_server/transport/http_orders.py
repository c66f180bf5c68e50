"""The store API for orders, carts, discount codes and customers (a store's own only)."""

from __future__ import annotations

import csv
import io
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol.common import Money, Url
from shared_protocol.orders import DiscountView, OrderStatus, StoreOrderView
from shared_protocol.store import OfferDiscount, UpdateOrder
from shared_protocol.store_api import CustomerView, HeldCart, StoreInfo, WebhookDelivery

from ..services.agents import Agents, Permission
from ..services.identity import Identity
from ..services.orders import Orders
from ..services.stores import Stores
from .http_auth import Auth
from .http_errors import SIGNED_IN
from .http_store import IdempotencyKey, IdInPath, command_of


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    status: OrderStatus = Field(strict=False)  # named by its value, as JSON has no enums
    carrier: str | None = Field(None, max_length=100)
    tracking_url: Url | None = None
    reason: str | None = Field(None, max_length=500)


class DiscountIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    cart_ref: str = Field(min_length=8, max_length=64)
    percent_off: int | None = Field(None, ge=1, le=100)
    amount_off: Money | None = None
    expires_in_seconds: float = Field(3600, ge=60, le=30 * 24 * 3600)
    message: str = Field("", max_length=300)


class EmailIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    product_id: str | None = Field(None, description="Only past buyers of this product")
    q: str = Field("", max_length=100, description="Only customers matching this search")


class Sent(BaseModel):
    sent: int


def customers_csv(customers: list[CustomerView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "orders", "first_order", "last_order", "products", "tags"])
    for c in customers:
        writer.writerow(
            [
                _cell(c.name),
                _cell(c.email),
                c.orders,
                c.first_order_at,
                c.last_order_at,
                " ".join(f"{p}:{n}" for p, n in sorted(c.products.items())),
                " ".join(f"{t}:{n}" for t, n in sorted(c.tags.items())),
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas (CSV injection): quote them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def routes(*, identity: Identity, agents: Agents, stores: Stores, orders: Orders) -> APIRouter:
    router = APIRouter(
        prefix="/api/stores/{store_id}",
        tags=["store: orders and customers"],
        responses=SIGNED_IN,
    )
    auth = Auth(identity, agents)
    # The console's routes: the key, or an agent whose role allows it (docs/agents.md).
    read = Depends(auth.console(Permission.ORDERS_READ))
    write = Depends(auth.console(Permission.ORDERS_WRITE))
    people = Depends(auth.console(Permission.CUSTOMERS))

    @router.get("/orders")
    async def list_orders(
        status: OrderStatus | None = None, store: StoreInfo = read
    ) -> list[StoreOrderView]:
        return await orders.of_store(store.id, status.value if status else None)

    @router.get("/orders/{order_id}")
    async def order(order_id: IdInPath, store: StoreInfo = read) -> StoreOrderView:
        return await orders.one(store.id, order_id)

    @router.post("/orders/{order_id}/status")
    async def set_status(
        order_id: IdInPath, body: StatusIn, key: IdempotencyKey = None, store: StoreInfo = write
    ) -> StoreOrderView:
        """confirmed, dispatched (carrier, tracking_url), delivered; rejected or cancelled
        (reason)."""
        command = command_of(UpdateOrder, key, body, order_id=order_id)
        result = await stores.command(store.id, command)
        assert result.order is not None
        return result.order

    @router.get("/carts")
    async def carts(store: StoreInfo = read) -> list[HeldCart]:
        """The carts holding this store's products now (by pseudonym), and since when."""
        return await orders.carts_holding(store.id)

    @router.post("/discounts", status_code=201)
    async def offer_discount(
        body: DiscountIn, key: IdempotencyKey = None, store: StoreInfo = people
    ) -> DiscountView:
        """A single-use, expiring code for one cart; it appears in that shopper's cart at once."""
        result = await stores.command(store.id, command_of(OfferDiscount, key, body))
        assert result.discount is not None
        return result.discount

    @router.get("/webhooks")
    async def webhooks(
        limit: Annotated[int, Query(ge=1, le=200)] = 50, store: StoreInfo = write
    ) -> list[WebhookDelivery]:
        """The latest order webhooks to this store, newest first: when each was answered 2xx,
        or how many attempts failed and why (e.g. `HTTP 401` from a signature check)."""
        return await orders.webhooks(store.id, limit)

    @router.get("/customers")
    async def customers(
        q: Annotated[str, Query(max_length=100, description="name, email or product")] = "",
        product: Annotated[str | None, Query(description="only buyers of this product")] = None,
        store: StoreInfo = people,
    ) -> list[CustomerView]:
        """Everyone who ordered from this store (and only them)."""
        return await orders.customers(store.id, q, product)

    @router.get("/customers.csv", response_class=Response)
    async def customers_as_csv(
        q: Annotated[str, Query(max_length=100)] = "",
        product: Annotated[str | None, Query()] = None,
        store: StoreInfo = people,
    ) -> Response:
        """The same list as CSV: e.g. the past buyers of one product."""
        text = customers_csv(await orders.customers(store.id, q, product))
        # Only identifier characters reach the header: any other would break or forge it.
        name = f"customers-{re.sub(r'[^A-Za-z0-9_.-]', '_', product or 'all')[:64]}.csv"
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @router.post("/customers/email")
    async def email_customers(body: EmailIn, store: StoreInfo = people) -> Sent:
        """Email the customers that match (e.g. the past buyers of one product)."""
        found = await orders.customers(store.id, body.q, body.product_id)
        sent = await orders.email_customers(
            store.id, [c.email for c in found], body.subject, body.body
        )
        return Sent(sent=sent)

    return router
