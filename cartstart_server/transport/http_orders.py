"""The store API for orders, carts, discount codes and customers (a store's own only)."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol.common import Money, Url
from shared_protocol.orders import DiscountView, OrderStatus, StoreOrderView
from shared_protocol.store import OfferDiscount, UpdateOrder

from ..storage.sql import Row
from .http_auth import HubDep, StoreDep
from .http_store import IdempotencyKey, command_id_of

router = APIRouter(prefix="/api/stores/{store_id}", tags=["store: orders and customers"])


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: OrderStatus
    carrier: str | None = Field(None, max_length=100)
    tracking_url: Url | None = None
    reason: str | None = Field(None, max_length=500)


class DiscountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cart_ref: str = Field(min_length=8, max_length=64)
    percent_off: int | None = Field(None, ge=1, le=100)
    amount_off: Money | None = None
    expires_in_seconds: float = Field(3600, ge=60, le=30 * 24 * 3600)
    message: str = Field("", max_length=300)


class CartOut(BaseModel):
    cart_ref: str
    items: int
    units: int
    since: float
    next_expiry: float


class CustomerOut(BaseModel):
    cart_ref: str
    email: str
    name: str
    orders: int
    first_order_at: float
    last_order_at: float
    products: dict[str, int] = Field(description="Units bought, by product id")
    tags: dict[str, int] = Field(description="Units bought, by product tag: their preferences")


class EmailIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    product_id: str | None = Field(None, description="Only past buyers of this product")
    q: str = Field("", max_length=100, description="Only customers matching this search")


class Sent(BaseModel):
    sent: int


@router.get("/orders")
async def orders(
    hub: HubDep, store: StoreDep, status: OrderStatus | None = None
) -> list[StoreOrderView]:
    return await hub.store_orders(store.id, status.value if status else None)


@router.get("/orders/{order_id}")
async def order(order_id: str, hub: HubDep, store: StoreDep) -> StoreOrderView:
    return await hub.store_order(store.id, order_id)


@router.post("/orders/{order_id}/status")
async def set_status(
    order_id: str, body: StatusIn, hub: HubDep, store: StoreDep, key: IdempotencyKey = None
) -> StoreOrderView:
    """confirmed, dispatched (carrier, tracking_url), delivered; rejected or cancelled (reason)."""
    command = UpdateOrder(id=command_id_of(key), order_id=order_id, **body.model_dump())
    result = await hub.store_command(store.id, command)
    assert result.order is not None
    return result.order


@router.get("/carts")
async def carts(hub: HubDep, store: StoreDep) -> list[CartOut]:
    """The carts holding this store's products now (by pseudonym), and since when."""
    return [CartOut(**row) for row in await hub.carts_holding(store.id)]


@router.post("/discounts", status_code=201)
async def offer_discount(
    body: DiscountIn, hub: HubDep, store: StoreDep, key: IdempotencyKey = None
) -> DiscountView:
    """A single-use, expiring code for one cart; it appears in that shopper's cart at once."""
    result = await hub.store_command(
        store.id, OfferDiscount(id=command_id_of(key), **body.model_dump())
    )
    assert result.discount is not None
    return result.discount


def _customer(row: Row) -> CustomerOut:
    return CustomerOut(
        **{k: row[k] for k in ("cart_ref", "email", "name", "orders")},
        first_order_at=row["first_order_at"],
        last_order_at=row["last_order_at"],
        products=json.loads(row["products"]),
        tags=json.loads(row["tags"]),
    )


@router.get("/customers")
async def customers(
    hub: HubDep,
    store: StoreDep,
    q: Annotated[str, Query(max_length=100, description="name, email or product")] = "",
    product: Annotated[str | None, Query(description="only buyers of this product")] = None,
) -> list[CustomerOut]:
    """Everyone who ordered from this store (and only them)."""
    return [_customer(r) for r in await hub.customers(store.id, q, product)]


@router.get("/customers.csv", response_class=Response)
async def customers_csv(
    hub: HubDep,
    store: StoreDep,
    q: Annotated[str, Query(max_length=100)] = "",
    product: Annotated[str | None, Query()] = None,
) -> Response:
    """The same list as CSV: e.g. the past buyers of one product."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "orders", "first_order", "last_order", "products", "tags"])
    for c in map(_customer, await hub.customers(store.id, q, product)):
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
    name = f"customers-{product or 'all'}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas (CSV injection): quote them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.post("/customers/email")
async def email_customers(body: EmailIn, hub: HubDep, store: StoreDep) -> Sent:
    """Email the customers that match (e.g. the past buyers of one product)."""
    rows = await hub.customers(store.id, body.q, body.product_id)
    sent = await hub.email_customers(
        store.id, [str(r["email"]) for r in rows], body.subject, body.body
    )
    return Sent(sent=sent)
