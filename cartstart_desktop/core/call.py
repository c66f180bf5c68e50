"""A live session's call as the shopper sees it (pure: no I/O, no Qt, no aiortc): whether one
rings or runs, who started it, how the last one ended, whether the store is busy, and the
store's camera and microphone. The shopper is always the session's visitor.

Fed by the session's `call` events, command results and the snapshot (the same call twice, or
older news after newer, changes nothing), and by the ephemeral `seller_busy` and `media`
frames. `apply` says when the media must start (the call became active) or stop (it ended), as
the browser's call.js does; the words each state shows are here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared_protocol.calls import CallInfo, PeerMedia

from .lang import _

_RANK = {"ringing": 0, "active": 1, "ended": 2}
Turn = Literal["began", "ended"]
ME = "visitor"


@dataclass(frozen=True)
class PeerDevices:
    camera: bool = False
    microphone: bool = True


def clock_text(seconds: float) -> str:
    """ "1:05" (minutes and seconds), "1:02:03" past an hour: as the browser shows it."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def ended_words(call: CallInfo, other: str) -> str:
    """Why a call ended, from the shopper's side, in the words the browser uses
    (storefront_templates/src/shared/call-words.js)."""
    mine = call.ended_by == ME
    ended = (
        _("The call ended after {time}", time=clock_text(call.duration))
        if call.duration
        else _("The call ended")
    )
    lasted = clock_text(call.duration or 0)
    match call.end_reason:
        case "declined":
            return (
                _("You declined the call.")
                if mine
                else _("{other} declined the call.", other=other)
            )
        case "unanswered":
            if call.started_by == ME:
                return _("{other} did not answer the call.", other=other)
            return _("You missed a call from {other}.", other=other)
        case "busy":
            return _("The seller is on another call. Try again in a little while.")
        case "connection_lost":
            return _("{ended}: the connection was lost.", ended=ended)
        case "peer_gone":
            if mine:
                return _("{ended} when you closed the session.", ended=ended)
            return _("{ended}: {other} left the page.", ended=ended, other=other)
        case "credit_exhausted":
            return _(
                "{ended}: your support credit ran out. Buy more credit or ask {other} to call "
                "again.",
                ended=ended,
                other=other,
            )
        case "interrupted":
            return _(
                "{ended}: the service lost it in a fault. Only the time until then was charged.",
                ended=ended,
            )
    if call.answered_at is None:
        return (
            _("You cancelled the call.") if mine else _("{other} cancelled the call.", other=other)
        )
    if mine:
        return _("You hung up. The call lasted {time}.", time=lasted)
    return _("{other} hung up. The call lasted {time}.", other=other, time=lasted)


class CallWatch:
    def __init__(self, store_name: str = "") -> None:
        self.store_name = store_name
        self.current: CallInfo | None = None
        self.ended: CallInfo | None = None
        self.seller_busy = False
        self.peer = PeerDevices()
        self.since: float | None = None
        """When this side saw the call become active (the shopper's clock), for the duration."""
        self.mine: set[str] = set()
        """Calls this cart asked for or accepted. The same session may be open in the shopper's
        browser too (the hub relays to every visitor connection): a call taken there is not
        joined, nor hung up, here."""
        self.asking = False
        """This cart's ask is on its way: the call it makes is this cart's (its event may come
        before the answer that says which call it is)."""

    # ---- what the views read ------------------------------------------------------------------

    @property
    def ringing(self) -> bool:
        return self.current is not None and self.current.state == "ringing"

    @property
    def active(self) -> bool:
        return self.current is not None and self.current.state == "active"

    @property
    def here(self) -> bool:
        """The current call is this cart's (its media runs here)."""
        return self.current is not None and self.current.call_id in self.mine

    @property
    def elsewhere(self) -> bool:
        """A call answered or asked for in another window of this session (the browser)."""
        if self.current is None or self.here or self.incoming:
            return False
        return not (self.asking and self.current.state == "ringing")

    @property
    def incoming(self) -> bool:
        """The store rings: the shopper may accept or decline."""
        return self.ringing and self.current is not None and self.current.started_by != ME

    @property
    def can_ask(self) -> bool:
        return self.current is None and not self.seller_busy

    def elapsed(self, now: float) -> float:
        return now - self.since if self.since is not None and self.active else 0.0

    def status_text(self, now: float) -> str:
        store = self.store_name or _("The seller")
        if self.current is not None:
            if self.elsewhere and self.ringing:
                return _("Calling the seller from another window (your browser)")
            if self.elsewhere:
                return _("In a call with {store} in another window (your browser)", store=store)
            if self.active:
                return _("In a call with {store}", store=store)
            if self.incoming:
                return _("{store} is calling", store=store)
            return _("Calling the seller…")
        if self.ended is not None:
            return ended_words(self.ended, store)
        if self.seller_busy:
            return _("The seller is on another call. You can ask for a call when it ends.")
        return ""

    # ---- what the hub says --------------------------------------------------------------------

    def apply(self, info: CallInfo | None, now: float) -> Turn | None:
        """Where the call is now. Returns "began" when the media must start, "ended" when it
        must stop."""
        if info is None:
            return None
        cur = self.current
        if cur is not None and cur.call_id == info.call_id and _RANK[cur.state] > _RANK[info.state]:
            return None  # older news
        if self.ended is not None and self.ended.call_id == info.call_id:
            return None  # over already
        if info.state == "ended":
            self.ended = info
            if cur is None or cur.call_id == info.call_id:
                return self._stop()
            return None
        turn: Turn | None = None
        if cur is not None and cur.call_id != info.call_id:
            self._stop()
            turn = "ended"
        if cur is None or cur.call_id != info.call_id:
            self.peer = PeerDevices()
        began = info.state == "active" and (cur is None or cur.state != "active" or turn)
        self.current = info
        self.ended = None
        if began:
            self.since = now
            return "began"
        return turn

    def load(self, info: CallInfo | None, seller_busy: bool, now: float) -> Turn | None:
        """The snapshot: its call, or none (a call that ended meanwhile is over here too)."""
        self.seller_busy = seller_busy
        if info is not None:
            return self.apply(info, now)
        return self._stop() if self.current is not None else None

    def media(self, frame: PeerMedia) -> bool:
        """The store's camera and microphone; returns whether that was news."""
        if self.current is None or frame.call_id != self.current.call_id or frame.side == ME:
            return False
        self.peer = PeerDevices(frame.camera, frame.microphone)
        return True

    def _stop(self) -> Turn:
        self.current = None
        self.since = None
        return "ended"
