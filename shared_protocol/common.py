"""Value types used by more than one channel."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import ErrorCode

# Identifiers chosen by stores and clients: short, printable, no whitespace.
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
# A client-generated command id; it is also the command's idempotency key.
CommandId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
# At most 2**53: every JSON reader (JavaScript too) holds it exactly, and so does every database.
Seq = Annotated[int, Field(ge=0, le=2**53)]
Quantity = Annotated[int, Field(ge=1, le=999)]
# No spaces nor control characters: HTTP clients refuse those in a URL.
Url = Annotated[str, Field(max_length=2048, pattern=r"^https?://[^\s\x00-\x1f\x7f]+$")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
# A web origin as browsers send it in the Origin header: scheme://host[:port], nothing after.
WebOrigin = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$",
    ),
]
Timestamp = Annotated[float, Field(description="Seconds since the Unix epoch (UTC)")]


class Inbound(BaseModel):
    """A message a client sends: unknown fields are an error, so typos are caught early, and
    values are taken as the schema says (strict: "1" is not an integer, 1 is not a boolean), so
    the hub accepts exactly what a JSON Schema validator would."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, strict=True)


class Outbound(BaseModel):
    """A message the hub sends: clients ignore fields they do not know (forward compatible)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Money(BaseModel):
    """An amount in integer minor units (cents, pence, yen) of an ISO 4217 currency."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, strict=True)

    amount: int = Field(ge=0, description="Minor units, e.g. 1999 for 19.99 EUR")
    currency: CurrencyCode


# What a store may set as one price or discount: the ledger keeps prices in 32-bit columns
# (PostgreSQL INTEGER). Totals, computed by the hub, may be larger.
MAX_PRICE = 2_000_000_000


class Price(Money):
    """A price or a discount a store sets: at most 2,000,000,000 minor units (20 million in a
    currency with cents)."""

    amount: int = Field(ge=0, le=MAX_PRICE, description="Minor units, e.g. 1999 for 19.99 EUR")


class TicketState(StrEnum):
    HELD = "held"
    PURCHASED = "purchased"
    RELEASED = "released"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ProductRef(Inbound):
    store_id: Ident
    product_id: Ident


class TicketView(Outbound):
    """A ticket as its cart sees it: the product as it was when picked, and the hold."""

    ticket_id: str
    store_id: str
    store_name: str
    product_id: str
    name: str
    code: str
    price: Money
    image_url: str | None = None
    page_url: str | None = None
    source_url: str | None = Field(None, description="The page the pick came from (the bookmark)")
    qty: int
    state: TicketState
    created_at: Timestamp
    expires_at: Timestamp
    renewals_left: int
    version: int = Field(description="Grows with every change; apply a view only if newer")
    personalised: bool = Field(
        False, description="The product has a form to fill in before checkout (its draft)"
    )


class StoreTicketView(Outbound):
    """A ticket as the store that owns the product sees it. `cart_ref` is a pseudonym: stable per
    (store, cart), it tells one cart from another without revealing who the shopper is."""

    ticket_id: str
    product_id: str
    cart_ref: str
    qty: int
    state: TicketState
    created_at: Timestamp
    expires_at: Timestamp
    version: int


class Availability(Outbound):
    """How many units of a product can still be carted. `version` grows with every change."""

    type: Literal["availability"] = "availability"
    store_id: str
    product_id: str
    available: int
    version: int


class ErrorMessage(Outbound):
    """A typed error. `id` echoes the command id when the error answers a command."""

    type: Literal["error"] = "error"
    id: str | None = None
    code: ErrorCode
    message: str
    details: dict[str, object] = Field(default_factory=dict)


class RevokeReason(StrEnum):
    SOLD_IN_SHOP = "sold_in_shop"
    """The store's on-hand count fell below what carts held (a sale over the counter)."""


class Hello(Inbound):
    """The first message on every WebSocket. The hub picks the highest version both sides speak.

    `token`: a shopper session token (cart channel), a store API key (store channel) or an optional
    link token (page channel). `resume_from`: the last seq this client applied (cart and store
    channels); omit it to get a snapshot instead of a replay."""

    type: Literal["hello"] = "hello"
    versions: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=16)
    token: Annotated[str, Field(max_length=512)] | None = None
    resume_from: Seq | None = None


class Welcome(Outbound):
    """The hub's answer to a good `hello`.

    `head_seq` is the newest seq in this client's outbox; `resumed` says whether the missed
    messages follow as a replay (true) or a `snapshot` follows (false). Pages get `linked`: whether
    the page acts for a cart."""

    type: Literal["welcome"] = "welcome"
    version: int
    channel: Literal["cart", "page", "store"]
    head_seq: int | None = None
    resumed: bool | None = None
    linked: bool | None = None
    store_id: str | None = None


class Ack(Inbound):
    """The client has applied every message up to and including `seq`; the hub may forget them."""

    type: Literal["ack"] = "ack"
    seq: Seq
