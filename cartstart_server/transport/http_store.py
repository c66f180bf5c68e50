"""The REST store API: a store's catalogue, stock, settings, tickets and events.

Every route is under `/api/stores/{store_id}` and needs that store's API key as a Bearer token; a
key never reaches another store's data. PUTs are idempotent by nature; POSTs that are not
(stock adjustments) need an `Idempotency-Key` header, so a retry is never applied twice.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import StoreTicketView, Url, WebOrigin
from shared_protocol.store import (
    MAX_ORIGINS,
    AdjustStock,
    ContactEmail,
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
from shared_protocol.store_api import ProductView, StoreInfo

from ..services.agents import Agents, Permission
from ..services.identity import Identity
from ..services.stores import Stores
from ..services.streams import Streams
from .http_auth import Auth
from .http_errors import SIGNED_IN
from .limits import Limits
from .polling import PollResponse, poll_response


def _key_header() -> Any:
    return Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:\-]+$",
        description="A client-chosen id: a retry with the same key is applied once",
    )


IdempotencyKey = Annotated[str | None, _key_header()]
# A product's or order's id in a path: an identifier, like the id in a body (else 422, never a
# model's ValidationError escaping as a 500).
IdInPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
RequiredIdempotencyKey = Annotated[str, _key_header()]


def command_id_of(key: str | None) -> str:
    """PUTs may omit the key (setting a value twice is harmless); one is made up for them."""
    return key or "rest-" + secrets.token_hex(12)


C = TypeVar("C", bound=BaseModel)


def command_of(kind: type[C], key: str | None, body: BaseModel, **more: Any) -> C:
    """The store command a REST body stands for (its fields as the command's), keyed by the
    request's Idempotency-Key."""
    return kind(id=command_id_of(key), **body.model_dump(), **more)


class SettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
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
    contact_email: ContactEmail | Literal[""] | None = Field(
        None, description='Where marketplace requests and orders are emailed; "" clears it'
    )


class SettingsOut(StoreSettings):
    webhook_secret: str | None = Field(
        None, description="Only when webhook_url was set: keep it to verify signatures"
    )


class ProductsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    products: list[ProductIn] = Field(min_length=1, max_length=1000)


class Upserted(BaseModel):
    upserted: int


class OnHand(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    on_hand: int = Field(ge=0, le=10_000_000)


class Delta(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    delta: int = Field(ge=-10_000_000, le=10_000_000, description="-1: sold one over the counter")


class StockChange(BaseModel):
    stock: StockLevel
    revoked: list[StoreTicketView] = Field(description="Holds given back to cover the change")


def _stock_change(result: StoreResult) -> StockChange:
    assert result.stock is not None
    return StockChange(stock=result.stock, revoked=result.revoked or [])


def routes(
    *, identity: Identity, agents: Agents, stores: Stores, streams: Streams, limits: Limits
) -> APIRouter:
    router = APIRouter(prefix="/api/stores/{store_id}", tags=["store"], responses=SIGNED_IN)
    auth = Auth(identity, agents)
    own = Depends(auth.store)  # the store's backend: its API key only
    reader = Depends(auth.console(Permission.READ_CATALOGUE))  # the console too (agents.md)

    @router.get("")
    async def store_info(store: StoreInfo = reader) -> StoreInfo:
        return store

    @router.patch("/settings")
    async def update_settings(
        body: SettingsIn, key: IdempotencyKey = None, store: StoreInfo = own
    ) -> SettingsOut:
        result = await stores.command(store.id, command_of(UpdateSettings, key, body))
        assert result.settings is not None
        return SettingsOut(**result.settings.model_dump(), webhook_secret=result.webhook_secret)

    @router.get("/products")
    async def products(store: StoreInfo = reader) -> list[ProductView]:
        return await stores.products(store.id)

    @router.post("/products")
    async def upsert_products(
        body: ProductsIn, key: IdempotencyKey = None, store: StoreInfo = own
    ) -> Upserted:
        command = UpsertProducts(id=command_id_of(key), products=body.products)
        result = await stores.command(store.id, command)
        return Upserted(upserted=result.upserted or 0)

    @router.put("/products/{product_id}")
    async def put_product(
        product_id: IdInPath, body: ProductIn, key: IdempotencyKey = None, store: StoreInfo = own
    ) -> ProductView:
        if body.id != product_id:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "the body's id differs from the URL's")
        await stores.command(store.id, UpsertProducts(id=command_id_of(key), products=[body]))
        return await stores.product(store.id, product_id)

    @router.get("/products/{product_id}")
    async def product(product_id: IdInPath, store: StoreInfo = reader) -> ProductView:
        return await stores.product(store.id, product_id)

    @router.put("/products/{product_id}/stock")
    async def set_stock(
        product_id: IdInPath, body: OnHand, key: IdempotencyKey = None, store: StoreInfo = own
    ) -> StockChange:
        """Set the on-hand count. Holds beyond it are revoked, newest first, and their carts
        told."""
        command = SetStock(id=command_id_of(key), product_id=product_id, on_hand=body.on_hand)
        return _stock_change(await stores.command(store.id, command))

    @router.post("/products/{product_id}/stock-adjustments")
    async def adjust_stock(
        product_id: IdInPath, body: Delta, key: RequiredIdempotencyKey, store: StoreInfo = own
    ) -> StockChange:
        """Change the on-hand count by `delta` (a sale over the counter, a restock)."""
        command = AdjustStock(id=key, product_id=product_id, delta=body.delta)
        return _stock_change(await stores.command(store.id, command))

    @router.get("/tickets")
    async def tickets(store: StoreInfo = own) -> StoreSnapshot:
        """Every held ticket on this store's products."""
        return await stores.snapshot(store.id)

    @router.get("/events", response_model=PollResponse)
    async def events(
        after: Annotated[
            int, Query(ge=0, le=2**53, description="Last seq applied; also acknowledges it")
        ] = 0,
        wait: Annotated[
            float, Query(ge=0, description="Seconds to hold the request open; more than 30 is 30")
        ] = 0,
        store: StoreInfo = own,
    ) -> Response:
        batch = await streams.poll(
            streams.of_store(store.id),
            after,
            min(wait, limits.long_poll_max),
            lambda: stores.snapshot(store.id),
        )
        return poll_response(batch)

    @router.post("/commands")
    async def command(
        command: Annotated[StoreCommand, Body()], store: StoreInfo = own
    ) -> StoreResult:
        """Any store command, as JSON exactly as on `/ws/store` (its `id` is the idempotency
        key)."""
        return await stores.command(store.id, command)

    return router


def whoami(*, identity: Identity) -> APIRouter:
    router = APIRouter(tags=["store"], responses=SIGNED_IN)
    holder = Depends(Auth(identity).key_holder)

    @router.get("/api/store")
    async def key_holder(store: StoreInfo = holder) -> StoreInfo:
        """The store this API key belongs to: a client holding only the key learns its store
        id here (the key's format is the hub's business)."""
        return store

    return router
