"""The cart channel (`/ws/cart`, or `/api/cart/...` when polling): a shopper's desktop cart.

Events that change the cart carry a `seq` and come from the cart's durable outbox: apply each once,
in order, and ack. `availability` and command replies are live only and carry no seq.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import (
    Ack,
    Availability,
    CommandId,
    ErrorMessage,
    Hello,
    Ident,
    Inbound,
    Outbound,
    Quantity,
    RevokeReason,
    TicketView,
    Url,
    Welcome,
)
from .forms import DraftChanged
from .orders import DiscountView, OrderView

# ---- client -> hub ------------------------------------------------------------------------------


class Reserve(Inbound):
    """Hold `qty` more units of a product for this cart. A repeat pick grows the same ticket."""

    type: Literal["reserve"] = "reserve"
    id: CommandId
    store_id: Ident
    product_id: Ident
    qty: Quantity = 1
    source_url: Url | None = None


class SetQuantity(Inbound):
    """Grow or shrink a held ticket to exactly `qty` units; 0 releases it."""

    type: Literal["set_quantity"] = "set_quantity"
    id: CommandId
    ticket_id: Ident
    qty: Annotated[int, Field(ge=0, le=999)]


class Release(Inbound):
    """Give a held ticket's units back to the store."""

    type: Literal["release"] = "release"
    id: CommandId
    ticket_id: Ident


class Renew(Inbound):
    """Push a held ticket's expiry to now + the product's TTL, within the store's renewal limit."""

    type: Literal["renew"] = "renew"
    id: CommandId
    ticket_id: Ident


class Checkout(Inbound):
    """Buy what the cart holds: from the stores in `store_ids`, or from every store when it is
    null. Each store gets one order; the tickets become purchased atomically, and a ticket that
    expired meanwhile is reported in `expired`, never charged. `discount_codes` are codes the
    stores offered this cart (each for its own store). The id makes a retry return the same
    orders."""

    type: Literal["checkout"] = "checkout"
    id: CommandId
    store_ids: list[Ident] | None = Field(None, max_length=100)
    discount_codes: list[Annotated[str, Field(min_length=4, max_length=40)]] = Field(
        default_factory=list, max_length=100
    )


class Sync(Inbound):
    """Ask for a fresh `snapshot` (the answer carries this id). Changes nothing."""

    type: Literal["sync"] = "sync"
    id: CommandId


CartCommand = Annotated[
    Reserve | SetQuantity | Release | Renew | Checkout, Field(discriminator="type")
]
CartClientMessage = Annotated[
    Hello | Ack | Reserve | SetQuantity | Release | Renew | Checkout | Sync,
    Field(discriminator="type"),
]

# ---- hub -> client ------------------------------------------------------------------------------


class CartResult(Outbound):
    """The reply to a command, carrying its id. `ticket` is the ticket after the command."""

    type: Literal["result"] = "result"
    id: str
    ticket: TicketView | None = None
    orders: list[OrderView] | None = Field(None, description="checkout: one order per store")
    expired: list[TicketView] | None = Field(
        None, description="checkout: tickets that had expired, not bought"
    )


class CartSnapshot(Outbound):
    """Every held ticket of the cart, as of `head_seq`. Replaces the client's view of the cart:
    a ticket the client has that is missing here is no longer held."""

    type: Literal["snapshot"] = "snapshot"
    id: str | None = None
    head_seq: int
    tickets: list[TicketView]
    availability: list[Availability] = Field(default_factory=list)
    orders: list[OrderView] = Field(default_factory=list, description="every order of this cart")
    discounts: list[DiscountView] = Field(
        default_factory=list, description="codes offered to this cart, still usable"
    )


class ItemAdded(Outbound):
    type: Literal["item_added"] = "item_added"
    seq: int
    ticket: TicketView


class QuantityChanged(Outbound):
    type: Literal["quantity_changed"] = "quantity_changed"
    seq: int
    ticket: TicketView
    previous_qty: int


class TicketRenewed(Outbound):
    type: Literal["ticket_renewed"] = "ticket_renewed"
    seq: int
    ticket: TicketView


class TicketExpiringSoon(Outbound):
    type: Literal["ticket_expiring"] = "ticket_expiring"
    seq: int
    ticket: TicketView


class TicketExpired(Outbound):
    type: Literal["ticket_expired"] = "ticket_expired"
    seq: int
    ticket: TicketView


class TicketRevoked(Outbound):
    """The store took back `revoked_qty` units. If units remain the ticket is still held."""

    type: Literal["ticket_revoked"] = "ticket_revoked"
    seq: int
    ticket: TicketView
    revoked_qty: int
    reason: RevokeReason
    message: str


class TicketReleased(Outbound):
    type: Literal["ticket_released"] = "ticket_released"
    seq: int
    ticket: TicketView


class OrderPlaced(Outbound):
    """Checkout made this order; `tickets` (now purchased) leave the cart."""

    type: Literal["order_placed"] = "order_placed"
    seq: int
    order: OrderView
    tickets: list[TicketView]


class OrderUpdated(Outbound):
    """The store moved the order along (or ended it)."""

    type: Literal["order_updated"] = "order_updated"
    seq: int
    order: OrderView


class DiscountOffered(Outbound):
    type: Literal["discount_offered"] = "discount_offered"
    seq: int
    discount: DiscountView


CartTicketEvent = (
    ItemAdded
    | QuantityChanged
    | TicketRenewed
    | TicketExpiringSoon
    | TicketExpired
    | TicketRevoked
    | TicketReleased
)
"""The cart events about one ticket (a client's cart applies these to its rows)."""

CartEvent = Annotated[
    ItemAdded
    | QuantityChanged
    | TicketRenewed
    | TicketExpiringSoon
    | TicketExpired
    | TicketRevoked
    | TicketReleased
    | OrderPlaced
    | OrderUpdated
    | DiscountOffered
    | DraftChanged,
    Field(discriminator="type"),
]
CartServerMessage = Annotated[
    Welcome
    | CartSnapshot
    | CartResult
    | ErrorMessage
    | Availability
    | ItemAdded
    | QuantityChanged
    | TicketRenewed
    | TicketExpiringSoon
    | TicketExpired
    | TicketRevoked
    | TicketReleased
    | OrderPlaced
    | OrderUpdated
    | DiscountOffered
    | DraftChanged,
    Field(discriminator="type"),
]
