"""The store channel (`/ws/store`, or the REST store API): a shop's backend.

A store manages its own catalogue and on-hand stock and hears every change to tickets on its
products from its durable outbox (seq, ack, resume, like the cart channel).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import (
    Ack,
    CommandId,
    ErrorMessage,
    Hello,
    Ident,
    Inbound,
    Outbound,
    Price,
    StoreTicketView,
    Url,
    WebOrigin,
    Welcome,
)
from .forms import DraftChanged
from .orders import DiscountView, OrderStatus, StoreOrderView
from .solutions import RequestReceived, RequestUpdated

MAX_PRODUCTS_PER_UPSERT = 1000
MAX_ORIGINS = 20
PaymentUrlTemplate = Annotated[
    str,
    Field(
        max_length=500, pattern=r"^$|^https?://[^\s\x00-\x1f\x7f]*\{order_id\}[^\s\x00-\x1f\x7f]*$"
    ),
]
TtlSeconds = Annotated[float, Field(ge=1, le=7 * 24 * 3600)]
ContactEmail = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class ProductIn(BaseModel):
    """A catalogue entry as the store sends it. Stock is set separately (`set_stock`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: Ident
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=64, description="The store's own code (SKU)")
    price: Price
    image_url: Url | None = None
    page_url: Url | None = None
    tags: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=30
    )
    ttl_seconds: TtlSeconds | None = Field(None, description="Overrides the store's default TTL")
    active: bool = Field(True, description="Inactive products cannot be reserved")
    category: str | None = Field(
        None,
        pattern=r"^[a-z0-9-]{1,40}$",
        description="The marketplace subcategory the product belongs in (an id of the hub's tree, "
        "GET /api/market/tree); None: not classified",
    )
    listed: bool = Field(True, description="False: never shown or found on the marketplace")


class StoreSettings(Outbound):
    default_ttl_seconds: float
    renewal_limit: int
    origins: list[str] = Field(
        default_factory=list, description="Web origins whose pages may add this store's products"
    )
    payment_url_template: str | None = Field(
        None, description="Where shoppers pay; {order_id} is filled in. None: pay on collection"
    )
    webhook_url: str | None = Field(None, description="Orders are POSTed here, signed")
    contact_email: str | None = Field(
        None,
        description="The firm's official address: the marketplace's requests and orders are "
        "emailed here (shown nowhere public)",
    )


class StockLevel(Outbound):
    """`available = on_hand - held - sold_pending`."""

    product_id: str
    on_hand: int
    held: int
    sold_pending: int
    available: int
    version: int


# ---- client -> hub ------------------------------------------------------------------------------


class UpsertProducts(Inbound):
    type: Literal["upsert_products"] = "upsert_products"
    id: CommandId
    products: list[ProductIn] = Field(min_length=1, max_length=MAX_PRODUCTS_PER_UPSERT)


class SetStock(Inbound):
    """The store's on-hand count is now `on_hand` (e.g. after a stock take). If carts hold more than
    that, the newest tickets are revoked (shrunk) and their carts told why."""

    type: Literal["set_stock"] = "set_stock"
    id: CommandId
    product_id: Ident
    on_hand: int = Field(ge=0, le=10_000_000)


class AdjustStock(Inbound):
    """Change the on-hand count by `delta`: -1 for a sale over the counter, +n for a restock."""

    type: Literal["adjust_stock"] = "adjust_stock"
    id: CommandId
    product_id: Ident
    delta: int = Field(ge=-10_000_000, le=10_000_000)


class UpdateSettings(Inbound):
    type: Literal["update_settings"] = "update_settings"
    id: CommandId
    default_ttl_seconds: TtlSeconds | None = None
    renewal_limit: Annotated[int, Field(ge=0, le=100)] | None = None
    origins: list[WebOrigin] | None = Field(
        None,
        max_length=MAX_ORIGINS,
        description="Replace the web origins (scheme://host[:port]) whose pages may connect and "
        "add this store's products to carts",
    )
    payment_url_template: PaymentUrlTemplate | None = Field(
        None, description='e.g. "https://shop.example/pay/{order_id}"; "" for pay on collection'
    )
    webhook_url: Url | Literal[""] | None = Field(
        None,
        description="POST each order here, signed with a secret returned once in the result "
        '(a new one each time this is set); "" turns webhooks off',
    )
    contact_email: ContactEmail | Literal[""] | None = Field(
        None, description='Where marketplace requests are emailed; "" clears it'
    )


class UpdateOrder(Inbound):
    """Move an order along: confirmed, dispatched (carrier, tracking link), delivered; or end it:
    rejected or cancelled, with a reason the shopper reads."""

    type: Literal["update_order"] = "update_order"
    id: CommandId
    order_id: Ident
    status: OrderStatus = Field(strict=False)  # named by its value, as JSON has no enums
    carrier: Annotated[str, Field(max_length=100)] | None = None
    tracking_url: Url | None = None
    reason: Annotated[str, Field(max_length=500)] | None = None


class OfferDiscount(Inbound):
    """A live discount code for one cart (by its `cart_ref`): single use, expiring, for this
    store's products. Give `percent_off` or `amount_off`."""

    type: Literal["offer_discount"] = "offer_discount"
    id: CommandId
    cart_ref: Annotated[str, Field(min_length=8, max_length=64)]
    percent_off: Annotated[int, Field(ge=1, le=100)] | None = None
    amount_off: Price | None = None
    expires_in_seconds: Annotated[float, Field(ge=60, le=30 * 24 * 3600)] = 3600
    message: Annotated[str, Field(max_length=300)] = ""


class StoreSync(Inbound):
    """Ask for a fresh `snapshot` of the tickets held on this store's products."""

    type: Literal["sync"] = "sync"
    id: CommandId


StoreCommand = Annotated[
    UpsertProducts | SetStock | AdjustStock | UpdateSettings | UpdateOrder | OfferDiscount,
    Field(discriminator="type"),
]
StoreClientMessage = Annotated[
    Hello
    | Ack
    | UpsertProducts
    | SetStock
    | AdjustStock
    | UpdateSettings
    | UpdateOrder
    | OfferDiscount
    | StoreSync,
    Field(discriminator="type"),
]

# ---- hub -> client ------------------------------------------------------------------------------


class TicketChange(StrEnum):
    CREATED = "created"
    GROWN = "grown"
    SHRUNK = "shrunk"
    RENEWED = "renewed"
    RELEASED = "released"
    EXPIRED = "expired"
    REVOKED = "revoked"
    PURCHASED = "purchased"


class StoreResult(Outbound):
    """The reply to a command; which fields are set depends on the command."""

    type: Literal["result"] = "result"
    id: str
    upserted: int | None = None
    stock: StockLevel | None = None
    revoked: list[StoreTicketView] | None = None
    settings: StoreSettings | None = None
    webhook_secret: str | None = Field(
        None, description="Shown once, when webhook_url is set: verify signatures with it"
    )
    order: StoreOrderView | None = None
    discount: DiscountView | None = None


class StoreSnapshot(Outbound):
    type: Literal["snapshot"] = "snapshot"
    id: str | None = None
    head_seq: int
    tickets: list[StoreTicketView]
    orders: list[StoreOrderView] = Field(
        default_factory=list, description="Orders not yet delivered, rejected or cancelled"
    )


class TicketEvent(Outbound):
    """A ticket on one of this store's products changed."""

    type: Literal["ticket"] = "ticket"
    seq: int
    change: TicketChange
    ticket: StoreTicketView


class OrderEvent(Outbound):
    """An order for this store: `placed` at checkout, `updated` when its status changed. The
    same JSON is POSTed to the store's webhook."""

    type: Literal["order"] = "order"
    seq: int
    change: Literal["placed", "updated"]
    order: StoreOrderView


StoreEvent = Annotated[
    TicketEvent | OrderEvent | RequestReceived | RequestUpdated | DraftChanged,
    Field(discriminator="type"),
]
StoreServerMessage = Annotated[
    Welcome
    | StoreSnapshot
    | StoreResult
    | ErrorMessage
    | TicketEvent
    | OrderEvent
    | RequestReceived
    | RequestUpdated
    | DraftChanged,
    Field(discriminator="type"),
]
