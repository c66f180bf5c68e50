"""The page channel (`/ws/page`, or `/api/page/...` when polling): a store page in a browser.

A page subscribes to products and hears their availability live. Availability is state, not a log:
on (re)subscribe the page gets the current values, so pages have no seq and no acks. A page that
holds a link token may also add to its cart; nothing else.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import (
    Availability,
    CommandId,
    ErrorMessage,
    Hello,
    Ident,
    Inbound,
    Outbound,
    ProductRef,
    Quantity,
    TicketView,
    Url,
    Welcome,
)
from .desk import Talk, TalkProducts, WatchTalk

MAX_SUBSCRIPTIONS = 1000

# ---- client -> hub ------------------------------------------------------------------------------


class Subscribe(Inbound):
    """Hear availability of these products; the hub answers with their current values at once."""

    type: Literal["subscribe"] = "subscribe"
    products: list[ProductRef] = Field(min_length=1, max_length=MAX_SUBSCRIPTIONS)


class Unsubscribe(Inbound):
    type: Literal["unsubscribe"] = "unsubscribe"
    products: list[ProductRef] = Field(min_length=1, max_length=MAX_SUBSCRIPTIONS)


class AddToCart(Inbound):
    """Reserve a product for the cart this page is linked to. `page_url` becomes the bookmark."""

    type: Literal["add_to_cart"] = "add_to_cart"
    id: CommandId
    store_id: Ident
    product_id: Ident
    qty: Quantity = 1
    page_url: Url | None = None


class PresenceReport(Inbound):
    """The visitor is on this page of the store (docs/agents.md, "The live visitor list"): sent
    on load, when the page or `state` changes and every 15 s, only while the store's `talk` is
    `enabled`. No answer; a refusal is an `error`. More than one message per 2 s that does not
    change `state` is `rate_limited`."""

    type: Literal["presence"] = "presence"
    store_id: Ident
    visitor_id: str = Field(
        max_length=64, description="128 random bits (base64url), kept on the store's origin"
    )
    url: str = Field(max_length=4096, description="The page's address (on the page's origin)")
    title: str = Field("", max_length=1000)
    state: Literal["active", "idle"]
    site_since: float = Field(description="When this visit to the site began (browser clock)")
    page_since: float = Field(description="When this page opened (browser clock)")
    tz: str = Field("", max_length=100, description="IANA time zone, e.g. Europe/Lisbon")
    lang: str = Field("", max_length=100, description="The browser's language, e.g. pt-BR")


class ForgetMe(Inbound):
    """Delete this visitor's presence history in the store and their place in the live list,
    on every hub node. Answered by `forgotten` with this id."""

    type: Literal["forget_me"] = "forget_me"
    id: CommandId
    store_id: Ident
    visitor_id: str = Field(max_length=64)


PageCommand = Annotated[AddToCart, Field(discriminator="type")]
PageClientMessage = Annotated[
    Hello | Subscribe | Unsubscribe | AddToCart | WatchTalk | PresenceReport | ForgetMe,
    Field(discriminator="type"),
]

# ---- hub -> client ------------------------------------------------------------------------------


class AvailabilitySnapshot(Outbound):
    """Current availability of the products just subscribed to (unknown products are left out)."""

    type: Literal["availability_snapshot"] = "availability_snapshot"
    items: list[Availability]


class PageResult(Outbound):
    """The reply to `add_to_cart`: the ticket now holds `qty` units for the linked cart."""

    type: Literal["result"] = "result"
    id: str
    ticket_id: str
    store_id: str
    product_id: str
    qty: int
    expires_at: float

    @classmethod
    def of(cls, command_id: str, ticket: TicketView) -> PageResult:
        return cls(
            id=command_id,
            ticket_id=ticket.ticket_id,
            store_id=ticket.store_id,
            product_id=ticket.product_id,
            qty=ticket.qty,
            expires_at=ticket.expires_at,
        )


class Holding(Outbound):
    """How many units of a product the linked cart holds (0: none) and until when."""

    store_id: str
    product_id: str
    qty: int
    expires_at: float | None = None
    personalised: bool = Field(
        False, description="The product has a form to fill in (GET /api/page/drafts/...)"
    )


class InCart(Outbound):
    """For a linked page only: the cart's holds on products the page follows. Sent after
    `subscribe` (holds only) and whenever one changes (qty 0 when it ends), so the page can show
    "in your cart". Limited to the link token's store when the token has one."""

    type: Literal["in_cart"] = "in_cart"
    items: list[Holding]


class Forgotten(Outbound):
    """The answer to `forget_me`: nothing of this visitor is kept any more (`had`: there was
    something to delete)."""

    type: Literal["forgotten"] = "forgotten"
    id: str | None = None
    store_id: str
    visitor_id: str
    had: bool


class TalkOffer(Outbound):
    """An agent writes first to this visitor (desk `approach`): every page of theirs that
    reported `presence` for the store hears it. `link` opens the conversation (a session link,
    like the one `start_session` answers); `call`: the agent rings them too."""

    type: Literal["talk_offer"] = "talk_offer"
    store_id: str
    visitor_id: str
    session_id: str
    link: str
    agent_name: str = Field(description="Text, never markup")
    text: str = Field(description="The agent's first message (text)")
    call: bool = False


PageServerMessage = Annotated[
    Welcome
    | TalkOffer
    | AvailabilitySnapshot
    | Availability
    | InCart
    | PageResult
    | Talk
    | TalkProducts
    | Forgotten
    | ErrorMessage,
    Field(discriminator="type"),
]
