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

from pydantic import Field

from .calls import AnswerCall, CallChanged, HangUp, Media, PeerMedia, Rtc, RtcRelayed, SellerBusy
from .calls import StartCall as StartCall
from .common import (
    Ack,
    Availability,
    CommandId,
    ErrorMessage,
    Hello,
    Ident,
    Inbound,
    Quantity,
    Seq,
    Url,
)
from .conversations import Navigate as Navigate
from .conversations import Navigated as Navigated
from .live_server import (
    BoardChanged as BoardChanged,
)
from .live_server import (
    GalleryState as GalleryState,
)
from .live_server import (
    Here as Here,
)
from .live_server import (
    LiveResult as LiveResult,
)
from .live_server import (
    LiveSnapshot as LiveSnapshot,
)
from .live_server import (
    LiveWelcome as LiveWelcome,
)
from .live_server import (
    Lobby as Lobby,
)
from .live_server import (
    Presence as Presence,
)
from .live_server import (
    ProductPresented as ProductPresented,
)
from .live_server import (
    PublicSnapshot as PublicSnapshot,
)
from .live_server import (
    ReadMarked as ReadMarked,
)
from .live_server import (
    ReadMarks as ReadMarks,
)
from .live_server import (
    Said as Said,
)
from .live_server import (
    SearchResults as SearchResults,
)
from .live_server import (
    SessionActivity as SessionActivity,
)
from .live_server import (
    SessionAttached as SessionAttached,
)
from .live_server import (
    SessionCartChanged as SessionCartChanged,
)
from .live_server import (
    SessionDeleted as SessionDeleted,
)
from .live_server import (
    SessionOrdered as SessionOrdered,
)
from .live_server import (
    TypingNow as TypingNow,
)
from .live_server import (
    WidgetPosted as WidgetPosted,
)
from .live_server import (
    WidgetRemoved as WidgetRemoved,
)
from .live_signals import MAX_QUERY as MAX_QUERY
from .live_signals import MAX_WATCHED as MAX_WATCHED
from .live_signals import Follow as Follow
from .live_signals import Lead as Lead
from .live_signals import Show as Show
from .live_signals import Typing as Typing
from .live_signals import Watch as Watch
from .live_views import (
    MAX_NOTE as MAX_NOTE,
)
from .live_views import (
    ChatLine as ChatLine,
)
from .live_views import (
    LiveProduct as LiveProduct,
)
from .live_views import (
    LiveSettings as LiveSettings,
)
from .live_views import (
    LiveSettingsIn as LiveSettingsIn,
)
from .live_views import (
    LiveStyle as LiveStyle,
)
from .live_views import (
    Presented as Presented,
)
from .live_views import (
    SessionInfo as SessionInfo,
)
from .live_views import (
    SessionSummary as SessionSummary,
)
from .live_views import (
    Side as Side,
)
from .live_views import (
    Widget as Widget,
)
from .live_views import (
    WidgetIn as WidgetIn,
)
from .live_views import (
    WidgetKind as WidgetKind,
)
from .ratings import RateCall as RateCall
from .ratings import Rated as Rated
from .support import Complain as Complain
from .support import ComplaintChanged, CreditPlan, CreditWarning, SupportCredit, SupportReport

MAX_CHAT = 2000  # characters in one chat message


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
    visitor_id: Ident | None = Field(
        None, description="The talk panel: the visitor's id on the store's site (its storage)"
    )
    page_url: Url | None = Field(
        None,
        description="The talk panel: the store's page it was opened on; its origin must be one "
        "the store registered, and becomes the session's origin (for navigate)",
    )


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


LiveCommand = Annotated[
    StartCall
    | AnswerCall
    | HangUp
    | RateCall
    | Complain
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
    | DeleteSession
    | Navigate,
    Field(discriminator="type"),
]
LiveClientMessage = Annotated[
    LiveHello
    | Watch
    | StartCall
    | AnswerCall
    | HangUp
    | RateCall
    | Complain
    | Rtc
    | Media
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
    | DeleteSession
    | Navigate,
    Field(discriminator="type"),
]


LiveEvent = Annotated[
    CallChanged
    | Rated
    | CreditPlan
    | CreditWarning
    | SupportReport
    | SupportCredit
    | ComplaintChanged
    | Said
    | ReadMarked
    | ProductPresented
    | SessionCartChanged
    | WidgetPosted
    | WidgetRemoved
    | SessionOrdered
    | SessionAttached
    | SessionDeleted
    | Navigated,
    Field(discriminator="type"),
]
LiveServerMessage = Annotated[
    LiveWelcome
    | Availability
    | CallChanged
    | Rated
    | CreditPlan
    | CreditWarning
    | SupportReport
    | ComplaintChanged
    | RtcRelayed
    | PeerMedia
    | SellerBusy
    | SupportCredit
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
    | SessionActivity
    | Navigated,
    Field(discriminator="type"),
]
