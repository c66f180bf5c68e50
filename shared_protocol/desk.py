"""The desk channel (`/ws/desk`): the agents' workspace in the console (docs/agents.md).

An agent's console opens one desk connection with its agent token (a store's API key is refused:
the workspace is for people). It says whether the agent is Available or Away, beats while open,
and hears the store's agents change. An agent counts as available only while Available *and*
connected here (a beat at least every 45 s); the store's pages show "Talk to us" while one is.

It also carries the live visitor list: the snapshot's `visitors`, `visitors_changed`, and
`visitor_details` on request. Later slices carry conversations on this same channel.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import (
    CommandId,
    ErrorMessage,
    Hello,
    Ident,
    Inbound,
    Outbound,
    StoreTicketView,
)
from .live import MAX_CHAT
from .live_server import SessionActivity
from .live_views import SessionSummary

AgentStatus = Literal["available", "away"]
BEAT_EVERY = 15  # seconds between a desk's beats (the hub forgets it after 45 s without one)

# ---- client -> hub ------------------------------------------------------------------------------


class SetStatus(Inbound):
    """Available or Away: kept across sign-ins and reloads (the agent's choice)."""

    type: Literal["set_status"] = "set_status"
    id: CommandId
    status: AgentStatus


class Beat(Inbound):
    """This desk is still here (every 15 s; no answer)."""

    type: Literal["beat"] = "beat"


class DeskSync(Inbound):
    """Answered by a `desk_snapshot` with this id."""

    type: Literal["sync"] = "sync"
    id: CommandId


class AskVisitorDetails(Inbound):
    """Answered by `visitor_details` with this id: the visitor's pages in this and earlier
    visits, and what they hold in a CartStart cart for this store. Another store's visitor (or
    one forgotten) is `not_found`."""

    type: Literal["visitor_details"] = "visitor_details"
    id: CommandId
    visitor_id: str = Field(max_length=64)


class ClaimConversation(Inbound):
    """Take a conversation (a live session of the store) for yourself: answered by `result`
    with the session; then open it on /ws/live with your token. Refused with `forbidden` while
    another agent holds it ("Ana is helping this visitor"; an owner may `take_over`), and with
    `at_capacity` at your chat cap (the conversation then stays free for another agent)."""

    type: Literal["claim"] = "claim"
    id: CommandId
    session_id: Ident
    take_over: bool = Field(False, description="Owners: take it from the agent holding it")


class ReleaseConversation(Inbound):
    """Give a conversation you hold back: free for any agent again (your chat count drops)."""

    type: Literal["release"] = "release"
    id: CommandId
    session_id: Ident


class Approach(Inbound):
    """Write first to a visitor on the store's pages now: a new conversation, yours, with this
    first message; their page opens its talk panel (`talk_offer`). `call`: ask them to a call
    too (they join or decline)."""

    type: Literal["approach"] = "approach"
    id: CommandId
    visitor_id: str = Field(max_length=64)
    text: Annotated[str, Field(min_length=1, max_length=MAX_CHAT)]
    call: bool = False


class SetChatCap(Inbound):
    """How many chats you hold at once (1-20; the owner sets anyone's in Agents)."""

    type: Literal["set_chat_cap"] = "set_chat_cap"
    id: CommandId
    chat_cap: Annotated[int, Field(ge=1, le=20)]


DeskCommand = Annotated[
    SetStatus | AskVisitorDetails | ClaimConversation | ReleaseConversation | Approach | SetChatCap,
    Field(discriminator="type"),
]
DeskClientMessage = Annotated[
    Hello
    | SetStatus
    | Beat
    | DeskSync
    | AskVisitorDetails
    | ClaimConversation
    | ReleaseConversation
    | Approach
    | SetChatCap,
    Field(discriminator="type"),
]

# ---- hub -> client ------------------------------------------------------------------------------


class DeskWelcome(Outbound):
    type: Literal["welcome"] = "welcome"
    version: int
    channel: Literal["desk"] = "desk"
    store_id: str
    agent_id: str = Field(description="The agent this desk is signed in as")
    beat_every: int = Field(BEAT_EVERY, description="Seconds between beats")


class DeskAgent(Outbound):
    """One of the store's agents as the desk shows them."""

    agent_id: str
    name: str
    role: Literal["owner", "agent"]
    status: AgentStatus = Field(description="Their choice: Available or Away")
    connected: bool = Field(description="A workspace of theirs is open (and beats)")
    available: bool = Field(description="Available and connected: they can be reached")
    chat_cap: int = Field(3, description="How many chats they hold at once, at most")
    open_chats: int = Field(0, description="How many they hold now")


class Talk(Outbound):
    """Whether a store's pages show "Talk to us": the workspace is on (`enabled`) and an agent
    is available. `version` grows with every change: keep the highest."""

    type: Literal["talk"] = "talk"
    store_id: str
    enabled: bool
    available: bool
    version: int = 0


ProductTalk = Literal["available", "busy"]


class TalkProducts(Outbound):
    """For the products a page follows (`watch_talk`'s `products`) that have agents handling
    them: `busy` while every one of those agents is in a call, with their names in `busy_with`
    (text, never markup); `available` otherwise. Products nobody handles are left out. Sent after
    `talk`, then on every change; `version` grows with every change: keep the highest."""

    type: Literal["talk_products"] = "talk_products"
    store_id: str
    products: dict[str, ProductTalk] = Field(default_factory=dict)
    busy_with: dict[str, list[str]] = Field(
        default_factory=dict, description="A busy product's agents' names"
    )
    version: int = 0


VisitorStatus = Literal["active", "idle", "offline"]


class VisitorView(Outbound):
    """A visitor on the store's pages now, as the live list shows them. Times are the hub's
    (seconds): compare them with the `now` of the message that carried them."""

    visitor_id: str
    url: str = Field(description="The page they are on")
    title: str = Field(description="Its title (text, never markup)")
    site_since: float = Field(description="When this visit began")
    page_since: float = Field(description="When they opened this page")
    status: VisitorStatus = Field(
        description="active; idle (tab hidden, or 60 s without input); offline (page closed)"
    )
    tz: str = Field("", description="The browser's time zone (IANA), e.g. Europe/Lisbon")
    lang: str = Field("", description="The browser's language, e.g. pt-BR")
    country: str | None = Field(None, description="ISO country code, with the hub's GeoIP only")
    visits: int = Field(description="This visit's number: 1 the first time, 2 returning...")
    page_views: int
    cart_ref: str | None = Field(
        None, description="The store's pseudonym of the cart this page is connected to"
    )


class VisitorChange(Outbound):
    visitor_id: str
    visitor: VisitorView | None = None
    gone: bool = Field(False, description="No longer on the store's pages: drop them")


class VisitorsChanged(Outbound):
    """Visitors who came, moved or left, gathered per store every 250 ms."""

    type: Literal["visitors_changed"] = "visitors_changed"
    now: float = Field(description="The hub's clock when sent")
    changes: list[VisitorChange]


class PageVisited(Outbound):
    url: str
    title: str
    at: float
    until: float | None = Field(None, description="When they left it (null: still on it)")


class VisitRecord(Outbound):
    number: int
    started: float
    pages: list[PageVisited]


class VisitorDetails(Outbound):
    """The answer to `visitor_details`: visits oldest first, each with its pages in order;
    `holds` are the tickets the visitor's connected cart holds on this store's products, as the
    store sees them (empty without a connected cart)."""

    type: Literal["visitor_details"] = "visitor_details"
    id: str
    visitor_id: str
    first_seen: float
    last_seen: float
    visits: int
    page_views: int
    history: list[VisitRecord]
    visitor: VisitorView | None = Field(None, description="Where they are now, when on the site")
    cart_ref: str | None = None
    holds: list[StoreTicketView] = []
    now: float


class DeskSnapshot(Outbound):
    """The store's agents, its talk state and the visitors on its pages: after `welcome`, on
    `sync`, and when the hub may have missed changes."""

    type: Literal["desk_snapshot"] = "desk_snapshot"
    id: str | None = None
    store_id: str
    talk: Talk
    agents: list[DeskAgent]
    visitors: list[VisitorView] = []
    conversations: list[SessionSummary] = Field(
        [],
        description="Conversations started from the store's pages (with a visitor_id): unread, "
        "calling, who took each; `session_activity` updates them",
    )
    now: float = Field(0, description="The hub's clock when sent")


class AgentChanged(Outbound):
    """An agent's status or connection changed; `gone`: they are no longer one of the store's
    agents (`agent` is then null)."""

    type: Literal["agent_changed"] = "agent_changed"
    agent_id: str
    agent: DeskAgent | None = None
    gone: bool = False


class DeskResult(Outbound):
    """The answer to `set_status` and `set_chat_cap` (this agent as it is now), and to
    `claim`, `release` and `approach` (the conversation as it is now)."""

    type: Literal["result"] = "result"
    id: str
    agent: DeskAgent | None = None
    session: SessionSummary | None = None


DeskServerMessage = Annotated[
    DeskWelcome
    | DeskSnapshot
    | AgentChanged
    | Talk
    | DeskResult
    | VisitorsChanged
    | VisitorDetails
    | SessionActivity
    | ErrorMessage,
    Field(discriminator="type"),
]

# ---- the page's side (sent on /ws/page, shared_protocol/page.py) -------------------------------


class WatchTalk(Inbound):
    """A page: tell me whether this store's "Talk to us" entry should show (answered by `talk`
    at once, then again on every change)."""

    type: Literal["watch_talk"] = "watch_talk"
    store_id: Ident
    products: list[Ident] = Field(
        default_factory=list,
        max_length=50,
        description="The products this page shows: it hears `talk_products` about them",
    )
