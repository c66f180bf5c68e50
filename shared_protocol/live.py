"""The live channel (`/ws/live`, or `/api/live/...` when polling): a store's Direct Selling Page.

`hello` chooses who is speaking:

- a **visitor in a session**: `token` is the session link (`csv.<session>.<secret>`), or a
  shopper's session token with `session_id` when the session is attached to their cart;
- the **store** (its owner or agents): `token` is the store's key; with `session_id` it speaks in
  that session, without it gets the store's **lobby** (its sessions and their activity, live);
- a **visitor without a session** (public mode): no token, `store_id` names the store; it sees the
  public board, can search the gallery, and can start a session.

Durable messages (chat, read marks, presented products, board widgets, the session cart, an
order, a deletion) carry a `seq` in the session's stream, the same for both sides: resume with
`resume_from` as carts do. Ephemeral signals (presence, typing, the gallery's lead and what it
shows, the lobby's activity and the public board's changes) have no seq and are never stored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import (
    Ack,
    CommandId,
    ErrorMessage,
    Hello,
    Ident,
    Inbound,
    Money,
    Outbound,
    Quantity,
    Seq,
    TicketView,
    Timestamp,
    Url,
)
from .orders import OrderView

Side = Literal["visitor", "store"]
WidgetKind = Literal["product", "image", "link", "note"]
MAX_CHAT = 2000  # characters in one chat message
MAX_NOTE = 2000
MAX_QUERY = 200
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


# ---- what pages show -----------------------------------------------------------------------


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


class SessionSummary(SessionInfo):
    """A session in the store's lobby, or in a shopper's list of attached sessions."""

    unread: int = Field(description="Messages the other side wrote that this side has not read")
    last_message: str = Field("", description="The newest chat message, shortened")


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


class LiveSettings(Outbound):
    store_id: str
    store_name: str
    enabled: bool
    style: LiveStyle
    page_url: str = Field(description="The hub's page for this store's visitors")


# ---- client -> hub: commands (durable, answered with `result`) -------------------------------


class LiveHello(Hello):
    """`hello` on the live channel: `store_id` alone for public mode (no token); `session_id`
    with a store key (the store in that session) or a shopper's token (an attached session)."""

    store_id: Ident | None = None
    session_id: Ident | None = None


class StartSession(Inbound):
    """Public mode: open a session with the store; the result carries its session link."""

    type: Literal["start_session"] = "start_session"
    id: CommandId
    label: Annotated[str, Field(max_length=60)] = ""


class Say(Inbound):
    type: Literal["say"] = "say"
    id: CommandId
    text: Annotated[str, Field(min_length=1, max_length=MAX_CHAT)]


class MarkRead(Inbound):
    """This side has read the chat up to `up_to` (a seq); the other side sees it."""

    type: Literal["mark_read"] = "mark_read"
    id: CommandId
    up_to: Seq


class Present(Inbound):
    """The store shows a product at the counter (by id, its code, or its page's address)."""

    type: Literal["present"] = "present"
    id: CommandId
    product: Annotated[str, Field(min_length=1, max_length=2048)]


class Take(Inbound):
    """Put a product in the session cart: a real hold, like every add."""

    type: Literal["take"] = "take"
    id: CommandId
    product_id: Ident
    qty: Quantity = 1


class PutBack(Inbound):
    """Release a held item of the session cart."""

    type: Literal["put_back"] = "put_back"
    id: CommandId
    ticket_id: Ident


class WidgetIn(Inbound):
    kind: WidgetKind
    product_id: Ident | None = Field(None, description="kind product")
    upload_id: Ident | None = Field(None, description="kind image: from POST /api/live/uploads")
    url: Url | None = Field(None, description="kind link")
    title: Annotated[str, Field(max_length=200)] = ""
    text: Annotated[str, Field(max_length=MAX_NOTE)] = ""


class Post(Inbound):
    """Put a widget on a board: the session's (private to the store and this visitor) or, with
    `public`, the store's page (a visitor's public post waits for the store's approval)."""

    type: Literal["post"] = "post"
    id: CommandId
    widget: WidgetIn
    public: bool = False


class RemoveWidget(Inbound):
    """The store removes any widget of its own; a visitor only their own."""

    type: Literal["remove_widget"] = "remove_widget"
    id: CommandId
    widget_id: Ident


class Approve(Inbound):
    """The store lets a visitor's public post be seen."""

    type: Literal["approve"] = "approve"
    id: CommandId
    widget_id: Ident


class Search(Inbound):
    """The gallery: the store's catalogue, every word matching (whole or part of a word) a
    product's name, code or tags."""

    type: Literal["search"] = "search"
    id: CommandId
    query: Annotated[str, Field(max_length=MAX_QUERY)]
    limit: Annotated[int, Field(ge=1, le=100)] = 24


class OrderNow(Inbound):
    """Buy what the session cart holds, as one order with this store. A visitor without a cart
    account says who they are."""

    type: Literal["order_now"] = "order_now"
    id: CommandId
    email: Annotated[str, Field(max_length=254)] | None = None
    name: Annotated[str, Field(max_length=100)] = ""


class DeleteSession(Inbound):
    """Delete the session: its chat, board, counter and uploads are gone, its holds released."""

    type: Literal["delete_session"] = "delete_session"
    id: CommandId


class LiveSync(Inbound):
    """Send the whole state again (a session's `live_snapshot`, the lobby, the public page)."""

    type: Literal["sync"] = "sync"
    id: CommandId


# ---- client -> hub: ephemeral signals (no answer, never stored) -----------------------------


class Typing(Inbound):
    """This side is typing (send at most every 2 s while typing)."""

    type: Literal["typing"] = "typing"


class Show(Inbound):
    """The side that leads the gallery shows a product or a search to the other."""

    type: Literal["show"] = "show"
    product_id: Ident | None = None
    query: Annotated[str, Field(max_length=MAX_QUERY)] | None = None


class Lead(Inbound):
    """Hand the lead of the gallery to `to` (the side that leads may)."""

    type: Literal["lead"] = "lead"
    to: Side


class Follow(Inbound):
    """This side follows what the lead shows, or stops following."""

    type: Literal["follow"] = "follow"
    on: bool


LiveCommand = Annotated[
    StartSession
    | Say
    | MarkRead
    | Present
    | Take
    | PutBack
    | Post
    | RemoveWidget
    | Approve
    | Search
    | OrderNow
    | DeleteSession,
    Field(discriminator="type"),
]
LiveClientMessage = Annotated[
    LiveHello
    | Ack
    | LiveSync
    | Typing
    | Show
    | Lead
    | Follow
    | StartSession
    | Say
    | MarkRead
    | Present
    | Take
    | PutBack
    | Post
    | RemoveWidget
    | Approve
    | Search
    | OrderNow
    | DeleteSession,
    Field(discriminator="type"),
]


# ---- hub -> client: answers and states -------------------------------------------------------


class LiveWelcome(Outbound):
    type: Literal["welcome"] = "welcome"
    version: int
    channel: Literal["live"] = "live"
    role: Literal["visitor", "store", "public", "lobby"]
    store_id: str
    session_id: str | None = None
    head_seq: int | None = Field(None, description="In a session: the stream's newest seq")
    resumed: bool | None = Field(
        None, description="In a session: a replay follows (else a snapshot)"
    )


class ReadMarks(Outbound):
    visitor: int
    store: int


class Here(Outbound):
    visitor: bool
    store: bool


class LiveSnapshot(Outbound):
    """A session's whole state, as of `head_seq`."""

    type: Literal["live_snapshot"] = "live_snapshot"
    id: str | None = None
    head_seq: int
    session: SessionInfo
    style: LiveStyle
    messages: list[ChatLine]
    counter: list[Presented]
    board: list[Widget] = Field(description="The session's private widgets and its public posts")
    cart: list[TicketView] = Field(description="The session cart: held, and what ran out")
    read: ReadMarks = Field(description="Each side has read the chat up to this seq")
    here: Here = Field(description="Who is on the session's page right now")
    lead: Side = Field(description="Who leads the gallery")


class PublicSnapshot(Outbound):
    """Public mode: the store's page as every visitor sees it (the store sees posts waiting for
    approval too)."""

    type: Literal["public_snapshot"] = "public_snapshot"
    id: str | None = None
    store_id: str
    store_name: str
    style: LiveStyle
    board: list[Widget]


class Lobby(Outbound):
    """The store's sessions, newest activity first."""

    type: Literal["lobby"] = "lobby"
    id: str | None = None
    sessions: list[SessionSummary]
    waiting: list[Widget] = Field(description="Visitors' public posts waiting for approval")


class LiveResult(Outbound):
    """The answer to a command; the fields its command fills."""

    type: Literal["result"] = "result"
    id: str
    session: SessionInfo | None = None
    link: str | None = Field(None, description="start_session: the session link; keep it secret")
    message: ChatLine | None = None
    presented: Presented | None = None
    ticket: TicketView | None = None
    widget: Widget | None = None
    order: OrderView | None = None


class SearchResults(Outbound):
    type: Literal["search_results"] = "search_results"
    id: str
    query: str
    items: list[LiveProduct]


# ---- hub -> client: the session's durable events (seq) --------------------------------------


class Said(Outbound):
    type: Literal["said"] = "said"
    seq: int
    message: ChatLine


class ReadMarked(Outbound):
    type: Literal["read_marked"] = "read_marked"
    seq: int
    side: Side
    up_to: int


class ProductPresented(Outbound):
    type: Literal["presented"] = "presented"
    seq: int
    item: Presented


class SessionCartChanged(Outbound):
    """An item of the session cart changed: taken, grown, put back, ran out, sold elsewhere,
    bought."""

    type: Literal["session_cart"] = "session_cart"
    seq: int
    ticket: TicketView


class WidgetPosted(Outbound):
    type: Literal["widget_posted"] = "widget_posted"
    seq: int
    widget: Widget


class WidgetRemoved(Outbound):
    type: Literal["widget_removed"] = "widget_removed"
    seq: int
    widget_id: str


class SessionOrdered(Outbound):
    type: Literal["session_ordered"] = "session_ordered"
    seq: int
    order: OrderView


class SessionAttached(Outbound):
    """The visitor attached the session to their desktop cart."""

    type: Literal["session_attached"] = "session_attached"
    seq: int


class SessionDeleted(Outbound):
    """The session is gone; the connection closes after this."""

    type: Literal["session_deleted"] = "session_deleted"
    seq: int
    by: Side


# ---- hub -> client: ephemeral -------------------------------------------------------------


class Presence(Outbound):
    """Who is on the session's page right now."""

    type: Literal["presence"] = "presence"
    visitor: bool
    store: bool


class TypingNow(Outbound):
    type: Literal["typing"] = "typing"
    side: Side


class GalleryState(Outbound):
    """Who leads the gallery, what the lead shows, and whether the other side follows."""

    type: Literal["gallery"] = "gallery"
    lead: Side
    product_id: str | None = None
    query: str | None = None
    following: bool = True


class BoardChanged(Outbound):
    """The store's public board changed (public mode and the lobby)."""

    type: Literal["board_changed"] = "board_changed"
    widget: Widget | None = Field(None, description="Posted or approved")
    removed: str | None = Field(None, description="The id of a widget taken down")


class SessionActivity(Outbound):
    """The lobby: a session changed (a message, a new session) or was deleted."""

    type: Literal["session_activity"] = "session_activity"
    session: SessionSummary | None = None
    deleted: str | None = None


LiveEvent = Annotated[
    Said
    | ReadMarked
    | ProductPresented
    | SessionCartChanged
    | WidgetPosted
    | WidgetRemoved
    | SessionOrdered
    | SessionAttached
    | SessionDeleted,
    Field(discriminator="type"),
]
LiveServerMessage = Annotated[
    LiveWelcome
    | LiveSnapshot
    | PublicSnapshot
    | Lobby
    | LiveResult
    | SearchResults
    | ErrorMessage
    | Said
    | ReadMarked
    | ProductPresented
    | SessionCartChanged
    | WidgetPosted
    | WidgetRemoved
    | SessionOrdered
    | SessionAttached
    | SessionDeleted
    | Presence
    | TypingNow
    | GalleryState
    | BoardChanged
    | SessionActivity,
    Field(discriminator="type"),
]
