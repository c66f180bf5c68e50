"""One open live session as the shopper sees it (pure: no I/O, no Qt): the chat with its read
marks, the store's presence and typing, the counter and the session cart.

The connection feeds it the session's snapshot, its durable events (each once, in order) and
the ephemeral signals; command results may arrive before their event, so everything is applied
by identity (a message by its id, a ticket by its version) and the same thing twice is harmless.
`changed` says which parts changed, so a view repaints only those.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from shared_protocol.calls import CallChanged, CallInfo, PeerMedia, RtcRelayed, SellerBusy
from shared_protocol.common import TicketState, TicketView
from shared_protocol.live import (
    MAX_CHAT,
    ChatLine,
    LiveSnapshot,
    LiveStyle,
    Presence,
    Presented,
    ProductPresented,
    Rated,
    ReadMarked,
    Said,
    SessionCartChanged,
    SessionDeleted,
    SessionInfo,
    TypingNow,
)
from shared_protocol.support import (
    ComplaintChanged,
    CreditPlan,
    CreditWarning,
    SupportCredit,
    SupportReport,
)

from .call import CallWatch
from .call_rating import RatingWatch
from .cart import countdown
from .connection import Status
from .lang import _
from .live_support import SupportWatch
from .money import format_money, times
from .observable import Signal

MAX_TYPED = MAX_CHAT
"""The longest message the hub takes (the input stops there)."""
Part = Literal[
    "chat",
    "read",
    "counter",
    "cart",
    "presence",
    "typing",
    "deleted",
    "status",
    "call",
    "support",
    "rating",
]
TYPING_SHOWN_FOR = 4.0
"""Seconds "typing…" stays after the store's last typing signal (it sends one every 2 s)."""
TYPING_EVERY = 2.0
"""The shopper's own typing signal, at most this often."""
_KEPT = (TicketState.HELD, TicketState.EXPIRED, TicketState.REVOKED)
"""The session cart lists these (as the hub's snapshot does): put back or bought leave it."""


@dataclass(frozen=True)
class ChatRow:
    message_id: str
    seq: int
    mine: bool
    author: str
    """"You", or the store's name."""
    text: str
    at: float
    seen: bool
    """Mine, and the store has read up to it."""


@dataclass(frozen=True)
class CartRow:
    ticket: TicketView

    @property
    def held(self) -> bool:
        return self.ticket.state is TicketState.HELD

    @property
    def line_total(self) -> str:
        total = times(self.ticket.price, self.ticket.qty)
        return format_money(total.amount, total.currency)

    def state_text(self, now: float) -> str:
        match self.ticket.state:
            case TicketState.HELD:
                left = countdown(max(0.0, self.ticket.expires_at - now))
                return _("Held · {time} left", time=left)
            case TicketState.EXPIRED:
                return _("Hold ran out")
            case TicketState.REVOKED:
                return _("Sold in the shop")
            case _:
                return self.ticket.state.value.capitalize()


def price_text(item: Presented) -> str:
    return format_money(item.product.price.amount, item.product.price.currency)


class LiveSession:
    """The state of one session the shopper opened. `session_id` is known before the first
    snapshot; everything else arrives with it."""

    def __init__(
        self, session_id: str, store_name: str = "", clock: Callable[[], float] = time.time
    ) -> None:
        self.session_id = session_id
        self._clock = clock
        self.call = CallWatch(store_name)
        self.support = SupportWatch()
        self.rating = RatingWatch()
        self.info: SessionInfo | None = None
        self.store_name = store_name
        self.style = LiveStyle()
        self.messages: dict[str, ChatLine] = {}
        self.counter: list[Presented] = []
        self.tickets: dict[str, TicketView] = {}
        self.read: dict[str, int] = {"visitor": 0, "store": 0}
        self.store_here: bool | None = None
        """None while it cannot be known (polling carries no presence)."""
        self.typing_until = 0.0
        self.deleted_by: str | None = None
        self.status = Status.CONNECTING
        self.loaded = False
        self._mark_sent = 0
        self._typing_sent = -TYPING_EVERY
        self.changed: Signal[frozenset[Part]] = Signal()
        self.rtc: Signal[RtcRelayed] = Signal()
        """The store's call signalling (for the call's media, not kept)."""

    # ---- what the views read ------------------------------------------------------------------

    @property
    def deleted(self) -> bool:
        return self.deleted_by is not None

    @property
    def read_only(self) -> bool:
        return self.deleted

    def chat(self) -> list[ChatRow]:
        seen_up_to = self.read["store"]
        return [
            ChatRow(
                m.message_id,
                m.seq,
                m.author == "visitor",
                _("You") if m.author == "visitor" else (self.store_name or _("The store")),
                m.text,
                m.at,
                m.author == "visitor" and m.seq <= seen_up_to,
            )
            for m in sorted(self.messages.values(), key=lambda m: m.seq)
        ]

    def last_seen_seq(self) -> int | None:
        """The newest of the shopper's messages the store has read ("Seen" goes under it)."""
        seen = [r.seq for r in self.chat() if r.seen]
        return max(seen) if seen else None

    def cart(self) -> list[CartRow]:
        """Each product's latest ticket, in the order they were taken."""
        latest: dict[str, TicketView] = {}
        for t in sorted(self.tickets.values(), key=lambda t: (t.created_at, t.ticket_id)):
            latest[t.product_id] = t
        return [CartRow(t) for t in latest.values() if t.state in _KEPT]

    def unread(self) -> int:
        mark = self.read["visitor"]
        return sum(1 for m in self.messages.values() if m.author == "store" and m.seq > mark)

    def newest(self) -> ChatLine | None:
        return max(self.messages.values(), key=lambda m: m.seq, default=None)

    def store_typing(self, now: float) -> bool:
        return not self.deleted and now < self.typing_until

    def presence_text(self, now: float) -> str:
        """One line under the chat: typing, here, away; or why nothing can be said."""
        name = self.store_name or _("The store")
        if self.deleted:
            if self.deleted_by == "store":
                return _("This session was deleted by the store. Its items were given back.")
            return _("This session was deleted by you. Its items were given back.")
        if self.store_typing(now):
            return _("{name} is typing…", name=name)
        if self.store_here is None:
            return ""
        if self.store_here:
            return _("{name} is here", name=name)
        return _("{name} is away", name=name)

    # ---- read marks and typing, decided here, sent by the caller -----------------------------

    def mark_due(self, shown_up_to: int) -> int | None:
        """The read mark to send now that the chat shows messages up to `shown_up_to` (a seq),
        or None when the store already knows. Sent once per new mark."""
        store_lines = [
            m.seq for m in self.messages.values() if m.author == "store" and m.seq <= shown_up_to
        ]
        if not store_lines or self.deleted:
            return None
        up_to = max(store_lines)
        if up_to <= max(self.read["visitor"], self._mark_sent):
            return None
        self._mark_sent = up_to
        return up_to

    def mark_failed(self, up_to: int) -> None:
        """A mark that did not reach the hub is due again."""
        if self._mark_sent == up_to:
            self._mark_sent = self.read["visitor"]

    def typing_due(self, now: float) -> bool:
        if self.deleted or now - self._typing_sent < TYPING_EVERY:
            return False
        self._typing_sent = now
        return True

    # ---- what the connection brings ----------------------------------------------------------

    def apply_snapshot(self, snap: LiveSnapshot) -> None:
        self.info = snap.session
        self.store_name = self.call.store_name = snap.session.store_name
        self.style = snap.style
        self.messages = {m.message_id: m for m in snap.messages}
        self.counter = sorted(snap.counter, key=lambda p: p.at, reverse=True)
        self.tickets = {t.ticket_id: t for t in snap.cart}
        self.read = {"visitor": snap.read.visitor, "store": snap.read.store}
        if self.status is Status.WEBSOCKET:
            self.store_here = snap.here.store
        self.loaded = True
        self.call.load(snap.call, snap.seller_busy, self._clock())
        self.support.load(snap.support)
        # A call ringing or running now hides the rating of the one before (asked after it).
        self.rating.load(snap.last_call if snap.call is None else None, snap.last_rating)
        self.changed.emit(
            frozenset({"chat", "read", "counter", "cart", "presence", "call", "support", "rating"})
        )

    def apply_events(self, events: Iterable[object]) -> None:
        parts: set[Part] = set()
        for event in events:
            match event:
                case Said():
                    parts |= self.take_message(event.message, emit=False)
                case ReadMarked():
                    if event.up_to > self.read.get(event.side, 0):
                        self.read[event.side] = event.up_to
                        parts.add("read")
                case ProductPresented():
                    self.counter = [
                        p
                        for p in self.counter
                        if p.product.product_id != event.item.product.product_id
                    ]
                    self.counter.insert(0, event.item)
                    parts.add("counter")
                case SessionCartChanged():
                    parts |= self.take_ticket(event.ticket, emit=False)
                case CallChanged():
                    parts |= self.take_call(event.call, emit=False)
                case Rated():
                    if self.rating.on_rated(event.rating):
                        parts.add("rating")
                case (
                    CreditPlan()
                    | CreditWarning()
                    | SupportReport()
                    | SupportCredit()
                    | ComplaintChanged()
                ):
                    if self.support.apply(event):
                        parts.add("support")
                case SessionDeleted():
                    parts |= self._delete(event.by)
        if parts:
            self.changed.emit(frozenset(parts))

    def apply_signal(
        self,
        signal: Presence | TypingNow | PeerMedia | SellerBusy | RtcRelayed,
        now: float,
    ) -> None:
        match signal:
            case RtcRelayed(preview=True):
                pass  # a ring's preview asked by a browser window of this session, not ours
            case RtcRelayed():
                self.rtc.emit(signal)
            case PeerMedia():
                if self.call.media(signal):
                    self.changed.emit(frozenset({"call"}))
            case SellerBusy():
                self.call.seller_busy = signal.busy
                self.changed.emit(frozenset({"call"}))
            case Presence():
                self.store_here = signal.store
                self.changed.emit(frozenset({"presence"}))
            case TypingNow() if signal.side == "store":
                self.typing_until = now + TYPING_SHOWN_FOR
                self.changed.emit(frozenset({"typing"}))

    def take_message(self, line: ChatLine, *, emit: bool = True) -> set[Part]:
        """A message, from its event or from the result of sending it (the same id: once)."""
        if line.message_id in self.messages:
            return set()
        self.messages[line.message_id] = line
        parts: set[Part] = {"chat"}
        if line.author == "store":
            self.typing_until = 0.0  # the message it was typing is here
            parts.add("typing")
        if emit:
            self.changed.emit(frozenset(parts))
        return parts

    def take_call(self, info: CallInfo | None, *, emit: bool = True) -> set[Part]:
        """The call, from its event or a command's result (the same news twice: once)."""
        before = (self.call.current, self.call.ended)
        self.call.apply(info, self._clock())
        parts: set[Part] = set()
        if info is not None and self.rating.on_call(info):
            parts.add("rating")
        if (self.call.current, self.call.ended) != before:
            parts.add("call")
        if not parts:
            return parts
        if info is not None and info.state == "ended" and self.support.call_ended(info.call_id):
            parts.add("support")
        if emit:
            self.changed.emit(frozenset(parts))
        return parts

    def take_ticket(self, ticket: TicketView, *, emit: bool = True) -> set[Part]:
        held = self.tickets.get(ticket.ticket_id)
        if held is not None and held.version > ticket.version:
            return set()
        self.tickets[ticket.ticket_id] = ticket
        if emit:
            self.changed.emit(frozenset({"cart"}))
        return {"cart"}

    def deleted_now(self, by: str) -> None:
        """The hub said the session is gone (its last event, or `gone` when reconnecting)."""
        parts = self._delete(by)
        if parts:
            self.changed.emit(frozenset(parts))

    def connection_status(self, status: Status) -> None:
        if status is self.status:
            return
        self.status = status
        if status is not Status.WEBSOCKET:
            self.store_here = None  # only a WebSocket hears presence
        self.changed.emit(frozenset({"status", "presence"}))

    def _delete(self, by: str) -> set[Part]:
        if self.deleted:
            return set()
        self.deleted_by = by
        self.store_here = None
        self.typing_until = 0.0
        self.call.load(None, False, self._clock())
        return {"deleted", "presence", "typing", "call", "rating"}
