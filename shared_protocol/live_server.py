"""The live channel's messages from the hub: answers, states, the session's durable events and
the ephemeral signals (the unions are in live.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .calls import CallInfo
from .common import Outbound, TicketView
from .live_views import (
    ChatLine,
    LiveProduct,
    LiveStyle,
    Presented,
    SessionInfo,
    SessionSummary,
    Side,
    Widget,
)
from .orders import OrderView
from .ratings import CallRating, RatingSummary
from .support import Complaint, SessionSupport

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
    orders: list[OrderView] = Field(
        default_factory=list, description="The orders placed from the session cart"
    )
    read: ReadMarks = Field(description="Each side has read the chat up to this seq")
    here: Here = Field(description="Who is on the session's page right now")
    lead: Side = Field(description="Who leads the gallery")
    call: CallInfo | None = Field(None, description="The session's call now (ringing or active)")
    seller_busy: bool = Field(False, description="The store is in a call (this one or another)")
    last_call: CallInfo | None = Field(
        None, description="The session's latest call that was answered and has ended"
    )
    last_rating: CallRating | None = Field(None, description="last_call's rating, once rated")
    support: SessionSupport | None = Field(
        None, description="An attached session with a store that offers support calls"
    )


class PublicSnapshot(Outbound):
    """Public mode: the store's page as every visitor sees it (the store sees posts waiting for
    approval too)."""

    type: Literal["public_snapshot"] = "public_snapshot"
    id: str | None = None
    store_id: str
    store_name: str
    style: LiveStyle
    board: list[Widget]
    rating: RatingSummary | None = Field(
        None, description="The store's average rating, when its owner shows it (show_rating)"
    )


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
    call: CallInfo | None = None
    rating: CallRating | None = None
    complaint: Complaint | None = None
    url: str | None = Field(None, description="navigate: the address the visitor's page is sent to")


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
