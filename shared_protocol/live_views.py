"""What live-selling pages show: the store's style and settings, products, chat lines, counter
items, board widgets, sessions. Used by the live channel's messages (live.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Ident, Inbound, Money, Outbound, Timestamp, Url

Side = Literal["visitor", "store"]
WidgetKind = Literal["product", "image", "link", "note"]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
MAX_NOTE = 2000  # characters in a note on a board


class LiveStyle(Outbound):
    """How a store presents its Direct Selling Page (set by its owner)."""

    accent: str = Field("#1a7f37", description="A CSS colour, #rrggbb")
    logo_url: str | None = None
    greeting: str = ""
    counter: bool = Field(True, description="The counter: presented products and the chat")
    gallery: bool = Field(True, description="Searching the store's catalogue")
    board: bool = Field(True, description="The sharing board")


class LiveProduct(Outbound):
    """A product as the live page shows it."""

    product_id: str
    name: str
    code: str
    price: Money
    image_url: str | None = None
    page_url: str | None = None
    tags: list[str] = Field(default_factory=list)
    available: int


class ChatLine(Outbound):
    message_id: str
    seq: int = Field(description="Its place in the session's stream (read marks refer to it)")
    author: Side
    text: str
    at: Timestamp


class Presented(Outbound):
    """A product the seller showed at the counter."""

    product: LiveProduct
    at: Timestamp


class Widget(Outbound):
    """A card on a sharing board. `public`: on the store's page for every visitor (a visitor's
    public post waits for the store's approval); else private to the store and the session."""

    widget_id: str
    kind: WidgetKind
    author: Side
    public: bool
    approved: bool
    mine: bool = Field(False, description="Posted by the session this view is sent to")
    product: LiveProduct | None = None
    image_url: str | None = Field(None, description="An uploaded image (kind image)")
    url: str | None = Field(None, description="The link (kind link)")
    title: str = ""
    text: str = ""
    at: Timestamp


class SessionInfo(Outbound):
    session_id: str
    store_id: str
    store_name: str
    label: str = Field(description="How the store knows the visitor: a name they gave, or ''")
    created_at: Timestamp
    last_activity_at: Timestamp
    attached: bool = Field(description="Attached to a shopper's desktop cart")
    page_url: str | None = Field(
        None, description="Started from the store's own page (the talk panel): that page"
    )


class SessionSummary(SessionInfo):
    """A session in the store's lobby, or in a shopper's list of attached sessions."""

    unread: int = Field(description="Messages the other side wrote that this side has not read")
    last_message: str = Field("", description="The newest chat message, shortened")
    calling: bool = Field(False, description="The other side is asking for a call right now")
    visitor_id: str | None = Field(
        None, description="The visitor's id on the store's site (a conversation from its pages)"
    )
    agent_id: str | None = Field(None, description="The agent who took it (null: free)")
    agent_name: str | None = Field(None, description="That agent's name (text)")
    in_call: bool = Field(False, description="A call of this session runs now")


class LiveSettingsIn(BaseModel):
    """The store's Direct Selling Page: on or off, and how it looks (a REST body)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    enabled: bool = True
    accent: Colour = "#1a7f37"
    logo_url: Url | None = None
    greeting: Annotated[str, Field(max_length=500)] = ""
    counter: bool = True
    gallery: bool = True
    board: bool = True
    workspace: bool = Field(
        False,
        description='The agents\' workspace: pages offer "Talk to us" while an agent is '
        "available (docs/agents.md); off until the owner turns it on",
    )
    show_rating: bool = Field(
        False, description="Show the store's average rating (calls' stars) on its page"
    )


class LiveSettings(Outbound):
    store_id: str
    store_name: str
    enabled: bool
    workspace: bool = False
    show_rating: bool = False
    style: LiveStyle
    page_url: str = Field(description="The hub's page for this store's visitors")


class WidgetIn(Inbound):
    kind: WidgetKind
    product_id: Ident | None = Field(None, description="kind product")
    upload_id: Ident | None = Field(None, description="kind image: from POST /api/live/uploads")
    url: Url | None = Field(None, description="kind link")
    title: Annotated[str, Field(max_length=200)] = ""
    text: Annotated[str, Field(max_length=MAX_NOTE)] = ""
