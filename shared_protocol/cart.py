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


class Sync(Inbound):
    """Ask for a fresh `snapshot` (the answer carries this id). Changes nothing."""

    type: Literal["sync"] = "sync"
    id: CommandId


CartCommand = Annotated[Reserve | SetQuantity | Release | Renew, Field(discriminator="type")]
CartClientMessage = Annotated[
    Hello | Ack | Reserve | SetQuantity | Release | Renew | Sync, Field(discriminator="type")
]

# ---- hub -> client ------------------------------------------------------------------------------


class CartResult(Outbound):
    """The reply to a command, carrying its id. `ticket` is the ticket after the command."""

    type: Literal["result"] = "result"
    id: str
    ticket: TicketView | None = None


class CartSnapshot(Outbound):
    """Every held ticket of the cart, as of `head_seq`. Replaces the client's view of the cart:
    a ticket the client has that is missing here is no longer held."""

    type: Literal["snapshot"] = "snapshot"
    id: str | None = None
    head_seq: int
    tickets: list[TicketView]
    availability: list[Availability] = Field(default_factory=list)


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


CartEvent = Annotated[
    ItemAdded
    | QuantityChanged
    | TicketRenewed
    | TicketExpiringSoon
    | TicketExpired
    | TicketRevoked
    | TicketReleased,
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
    | TicketReleased,
    Field(discriminator="type"),
]
