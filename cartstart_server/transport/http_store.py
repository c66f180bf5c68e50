"""The REST store API: a store's catalogue, stock, settings, tickets and events.

Every route is under `/api/stores/{store_id}` and needs that store's API key as a Bearer token; a
key never reaches another store's data. PUTs are idempotent by nature; POSTs that are not
(stock adjustments) need an `Idempotency-Key` header, so a retry is never applied twice.
"""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money, StoreTicketView, Url, WebOrigin
from shared_protocol.store import (
    MAX_ORIGINS,
    AdjustStock,
    PaymentUrlTemplate,
    ProductIn,
    SetStock,
    StockLevel,
    StoreCommand,
    StoreResult,
    StoreSettings,
    StoreSnapshot,
    TtlSeconds,
    UpdateSettings,
    UpsertProducts,
)

from ..storage.outbox import store_owner
from ..storage.sql import Row
from ..storage.views import settings_of, stock_level
from .http_auth import HubDep, KeyHolderDep, StoreDep
from .polling import PollResponse, poll_stream

router = APIRouter(prefix="/api/stores/{store_id}", tags=["store"])
whoami = APIRouter(tags=["store"])


def _key_header() -> Any:
    return Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:\-]+$",
        description="A client-chosen id: a retry with the same key is applied once",
    )


IdempotencyKey = Annotated[str | None, _key_header()]
RequiredIdempotencyKey = Annotated[str, _key_header()]


def command_id_of(key: str | None) -> str:
    """PUTs may omit the key (setting a value twice is harmless); one is made up for them."""
    return key or "rest-" + secrets.token_hex(12)


class StoreInfo(BaseModel):
    id: str
    name: str
    settings: StoreSettings


class SettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default_ttl_seconds: TtlSeconds | None = None
    renewal_limit: int | None = Field(None, ge=0, le=100)
    origins: list[WebOrigin] | None = Field(
        None,
        max_length=MAX_ORIGINS,
        description="Replace the web origins (scheme://host[:port]) whose pages may add this "
        "store's products to carts",
    )
    payment_url_template: PaymentUrlTemplate | None = None
    webhook_url: Url | Literal[""] | None = None


class SettingsOut(StoreSettings):
    webhook_secret: str | None = Field(
        None, description="Only when webhook_url was set: keep it to verify signatures"
    )


class ProductsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    products: list[ProductIn] = Field(min_length=1, max_length=1000)


class Upserted(BaseModel):
    upserted: int


class ProductOut(BaseModel):
    id: str
    name: str
    code: str
    price: Money
    image_url: str | None
    page_url: str | None
    tags: list[str]
    ttl_seconds: float | None
    active: bool
    stock: StockLevel


class OnHand(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on_hand: int = Field(ge=0, le=10_000_000)


class Delta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delta: int = Field(ge=-10_000_000, le=10_000_000, description="-1: sold one over the counter")


class StockChange(BaseModel):
    stock: StockLevel
    revoked: list[StoreTicketView] = Field(description="Holds given back to cover the change")


def _product_out(row: Row) -> ProductOut:
    return ProductOut(
        id=row["product_id"],
        name=row["name"],
        code=row["code"],
        price=Money(amount=row["price_amount"], currency=row["currency"]),
        image_url=row["image_url"],
        page_url=row["page_url"],
        tags=json.loads(row["tags"]),
        ttl_seconds=row["ttl"],
        active=bool(row["active"]),
        stock=stock_level(row),
    )


def _stock_change(result: StoreResult) -> StockChange:
    assert result.stock is not None
    return StockChange(stock=result.stock, revoked=result.revoked or [])


@router.get("")
async def store_info(store: StoreDep) -> StoreInfo:
    return StoreInfo(id=store.id, name=store.name, settings=settings_of(store))


@whoami.get("/api/store")
async def key_holder(store: KeyHolderDep) -> StoreInfo:
    """The store this API key belongs to: a client holding only the key learns its store id
    here (the key's format is the hub's business)."""
    return StoreInfo(id=store.id, name=store.name, settings=settings_of(store))


@router.patch("/settings")
async def update_settings(
    body: SettingsIn, hub: HubDep, store: StoreDep, key: IdempotencyKey = None
) -> SettingsOut:
    result = await hub.store_command(
        store.id, UpdateSettings(id=command_id_of(key), **body.model_dump())
    )
    assert result.settings is not None
    return SettingsOut(**result.settings.model_dump(), webhook_secret=result.webhook_secret)


@router.get("/products")
async def products(hub: HubDep, store: StoreDep) -> list[ProductOut]:
    return [_product_out(r) for r in await hub.store_products(store.id)]


@router.post("/products")
async def upsert_products(
    body: ProductsIn, hub: HubDep, store: StoreDep, key: IdempotencyKey = None
) -> Upserted:
    result = await hub.store_command(
        store.id, UpsertProducts(id=command_id_of(key), products=body.products)
    )
    return Upserted(upserted=result.upserted or 0)


@router.put("/products/{product_id}")
async def put_product(
    product_id: str, body: ProductIn, hub: HubDep, store: StoreDep, key: IdempotencyKey = None
) -> ProductOut:
    if body.id != product_id:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "the body's id differs from the URL's")
    await hub.store_command(store.id, UpsertProducts(id=command_id_of(key), products=[body]))
    return await product(product_id, hub, store)


@router.get("/products/{product_id}")
async def product(product_id: str, hub: HubDep, store: StoreDep) -> ProductOut:
    row = await hub.store_product(store.id, product_id)
    if row is None:
        raise ProtocolError(ErrorCode.NOT_FOUND, f"no product {product_id!r} in this store")
    return _product_out(row)


@router.put("/products/{product_id}/stock")
async def set_stock(
    product_id: str, body: OnHand, hub: HubDep, store: StoreDep, key: IdempotencyKey = None
) -> StockChange:
    """Set the on-hand count. Holds beyond it are revoked, newest first, and their carts told."""
    command = SetStock(id=command_id_of(key), product_id=product_id, on_hand=body.on_hand)
    return _stock_change(await hub.store_command(store.id, command))


@router.post("/products/{product_id}/stock-adjustments")
async def adjust_stock(
    product_id: str,
    body: Delta,
    hub: HubDep,
    store: StoreDep,
    key: RequiredIdempotencyKey,
) -> StockChange:
    """Change the on-hand count by `delta` (a sale over the counter, a restock)."""
    command = AdjustStock(id=key, product_id=product_id, delta=body.delta)
    return _stock_change(await hub.store_command(store.id, command))


@router.get("/tickets")
async def tickets(hub: HubDep, store: StoreDep) -> StoreSnapshot:
    """Every held ticket on this store's products."""
    return await hub.store_snapshot(store.id)


@router.get("/events", response_model=PollResponse)
async def events(
    hub: HubDep,
    store: StoreDep,
    after: Annotated[int, Query(ge=0, description="Last seq applied; also acknowledges it")] = 0,
    wait: Annotated[float, Query(ge=0, le=60)] = 0,
) -> Response:
    body = await poll_stream(
        hub, store_owner(store.id), after, wait, lambda: hub.store_snapshot(store.id)
    )
    return Response(body, media_type="application/json")


@router.post("/commands")
async def command(
    command: Annotated[StoreCommand, Body()], hub: HubDep, store: StoreDep
) -> StoreResult:
    """Any store command, as JSON exactly as on `/ws/store` (its `id` is the idempotency key)."""
    return await hub.store_command(store.id, command)
