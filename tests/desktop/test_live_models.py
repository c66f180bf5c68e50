"""Live sessions' pure models: the pasted link, the list with its unread counts, notices and
deleted sessions, and one open session (chat, read marks, typing, presence, counter, cart).
No Qt, no network."""

from __future__ import annotations

from typing import Any

import pytest

from cartstart_desktop.core.cart import Notice
from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.live import LiveSessions, ago, find_link
from cartstart_desktop.core.live_session import TYPING_SHOWN_FOR, LiveSession
from cartstart_desktop.core.observable import Signal
from shared_protocol.calls import RtcRelayed, SessionDescription
from shared_protocol.common import Money, TicketView
from shared_protocol.live import (
    ChatLine,
    LiveProduct,
    LiveSnapshot,
    Presence,
    Presented,
    ProductPresented,
    ReadMarked,
    Said,
    SessionCartChanged,
    SessionDeleted,
    SessionInfo,
    SessionSummary,
    TypingNow,
)

NOW = 1_800_000_000.0
LINK = "csv.ls0123abcd.Zr3_kT9-aXq2mN8pLw4vB7yC1dE5fG6hJ0kM2nP4qR8"


@pytest.mark.parametrize(
    "pasted",
    [
        LINK,
        f"  {LINK}\n",
        f"https://hub.example.org/static/live.html?store=st1#session={LINK}",
        "https://hub.example.org/static/live.html?store=st1#session="
        + LINK.replace(".", "%2E").replace("-", "%2D"),
        f"Come back later: {LINK} (keep it secret)",
    ],
)
def test_the_link_is_found_in_what_was_pasted(pasted: str) -> None:
    assert find_link(pasted) == LINK


@pytest.mark.parametrize(
    "pasted",
    ["", "csv.", "csv.ls1", "hello", "css.abc.defghijklmnop", "xcsv.ls1.abcdefghijk", "a" * 5000],
)
def test_no_link_is_found_where_there_is_none(pasted: str) -> None:
    assert find_link(pasted) is None


def test_times_read_as_people_say_them() -> None:
    assert ago(NOW - 5, NOW) == "just now"
    assert ago(NOW - 300, NOW) == "5 min ago"
    assert ago(NOW - 86400 * 40, NOW).count(" ") == 2  # "12 Mar 14:05"


def summary(
    sid: str = "ls1", *, unread: int = 0, at: float = NOW, text: str = "", calling: bool = False
) -> SessionSummary:
    return SessionSummary(
        session_id=sid,
        store_id="st1",
        store_name=f"Store of {sid}",
        label="Ana",
        created_at=NOW - 600,
        last_activity_at=at,
        attached=True,
        unread=unread,
        last_message=text,
        calling=calling,
    )


def test_the_list_is_newest_first_and_tells_when_the_store_writes() -> None:
    notices: Signal[Notice] = Signal()
    told: list[Notice] = []
    notices.connect(told.append)
    sessions = LiveSessions(notices)
    sessions.apply_list([summary("ls1", unread=2, at=NOW - 60), summary("ls2", at=NOW)])
    assert [e.session_id for e in sessions.entries] == ["ls2", "ls1"]
    assert sessions.unread == 2 and told == []  # unread before this run is not news
    sessions.apply_list([summary("ls1", unread=3, at=NOW + 5, text="Still <b>there</b>?")])
    assert [(n.kind, n.title, n.text) for n in told] == [
        ("live", "Store of ls1 wrote", "Still <b>there</b>?")
    ]
    # Open, the session is read as it shows: no notice for it.
    sessions.set_open("ls1", True)
    sessions.apply_list([summary("ls1", unread=4, at=NOW + 9, text="Hello")])
    assert len(told) == 1


def test_a_ring_in_a_session_that_is_not_open_is_told_once() -> None:
    notices: Signal[Notice] = Signal()
    told: list[Notice] = []
    notices.connect(told.append)
    sessions = LiveSessions(notices)
    sessions.apply_list([summary("ls1"), summary("ls2", calling=True)])
    assert [n.title for n in told] == ["Store of ls2 is calling you"]  # a ring is news at once
    assert sessions.get("ls2").status == "Calling you: open to answer"  # type: ignore[union-attr]
    sessions.apply_list([summary("ls1"), summary("ls2", calling=True)])
    assert len(told) == 1  # the same ring
    sessions.set_open("ls1", True)
    sessions.apply_list([summary("ls1", calling=True), summary("ls2")])
    assert len(told) == 1  # open: the window shows the ring itself
    assert sessions.get("ls2").status == ""  # type: ignore[union-attr]


def test_a_session_the_hub_no_longer_lists_is_kept_as_deleted() -> None:
    sessions = LiveSessions(Signal())
    sessions.apply_list([summary("ls1", unread=1), summary("ls2")])
    vanished = sessions.apply_list([summary("ls2")])
    assert vanished == ["ls1"]
    sessions.mark_deleted("ls1", "store")
    entry = sessions.get("ls1")
    assert entry is not None and entry.deleted and entry.status == "Deleted by the store"
    assert entry.unread == 0 and sessions.unread == 0
    assert sessions.apply_list([summary("ls2")]) == []  # asked once
    sessions.mark_deleted("ls1", "")  # a later "who?" without an answer keeps what was known
    assert sessions.get("ls1").status == "Deleted by the store"  # type: ignore[union-attr]


def ticket(tid: str = "t1", *, state: str = "held", version: int = 1, **extra: Any) -> TicketView:
    values: dict[str, Any] = {
        "ticket_id": tid,
        "store_id": "st1",
        "store_name": "Shop",
        "product_id": "mug",
        "name": "Mug",
        "code": "MUG",
        "price": Money(amount=1250, currency="EUR"),
        "qty": 1,
        "state": state,
        "created_at": NOW,
        "expires_at": NOW + 600,
        "renewals_left": 2,
        "version": version,
        **extra,
    }
    return TicketView(**values)


def line(seq: int, author: str, text: str) -> ChatLine:
    return ChatLine.model_validate(
        {"message_id": f"m{seq}", "seq": seq, "author": author, "text": text, "at": NOW + seq}
    )


def snapshot(**extra: Any) -> LiveSnapshot:
    values: dict[str, Any] = {
        "head_seq": 3,
        "session": SessionInfo(
            session_id="ls1",
            store_id="st1",
            store_name="Harbour Ceramics",
            label="Ana",
            created_at=NOW,
            last_activity_at=NOW,
            attached=True,
        ),
        "style": {},
        "messages": [line(1, "store", "Welcome!"), line(2, "visitor", "Hi"), line(3, "store", "?")],
        "counter": [],
        "board": [],
        "cart": [],
        "read": {"visitor": 1, "store": 2},
        "here": {"visitor": True, "store": True},
        "lead": "store",
        **extra,
    }
    return LiveSnapshot(**values)


def test_an_open_session_shows_the_chat_with_seen_and_sends_read_marks_once() -> None:
    model = LiveSession("ls1")
    parts: list[frozenset[str]] = []
    model.changed.connect(parts.append)
    model.connection_status(Status.WEBSOCKET)
    model.apply_snapshot(snapshot())
    rows = model.chat()
    assert [(r.author, r.text, r.mine, r.seen) for r in rows] == [
        ("Harbour Ceramics", "Welcome!", False, False),
        ("You", "Hi", True, True),
        ("Harbour Ceramics", "?", False, False),
    ]
    assert model.last_seen_seq() == 2 and model.unread() == 1
    assert model.presence_text(NOW) == "Harbour Ceramics is here"
    assert model.mark_due(2) is None  # message 1 is read already; 2 is ours
    assert model.mark_due(3) == 3
    assert model.mark_due(3) is None  # sent once
    model.apply_events([ReadMarked(seq=4, side="visitor", up_to=3)])
    assert model.unread() == 0
    # The same message from the result and from the event: once.
    mine = line(5, "visitor", "<script>alert(1)</script>")
    model.take_message(mine)
    model.apply_events([Said(seq=5, message=mine)])
    assert [r.text for r in model.chat()].count(mine.text) == 1


def test_typing_presence_and_polling() -> None:
    model = LiveSession("ls1", "Shop")
    model.connection_status(Status.WEBSOCKET)
    model.apply_snapshot(snapshot(here={"visitor": True, "store": False}))
    assert model.presence_text(NOW) == "Harbour Ceramics is away"
    model.apply_signal(Presence(visitor=True, store=True), NOW)
    model.apply_signal(TypingNow(side="store"), NOW)
    assert model.presence_text(NOW + 1) == "Harbour Ceramics is typing…"
    assert model.presence_text(NOW + TYPING_SHOWN_FOR + 0.1) == "Harbour Ceramics is here"
    model.apply_signal(TypingNow(side="store"), NOW + 10)
    model.apply_events([Said(seq=4, message=line(4, "store", "Here it is"))])
    assert not model.store_typing(NOW + 10.5)  # the message it was typing came
    model.connection_status(Status.POLLING)
    assert model.presence_text(NOW + 20) == ""  # polling cannot know
    assert model.typing_due(NOW) and not model.typing_due(NOW + 1) and model.typing_due(NOW + 2)


def test_counter_and_session_cart() -> None:
    model = LiveSession("ls1")
    model.apply_snapshot(snapshot(cart=[ticket("t1", version=2)]))
    product = LiveProduct(
        product_id="vase",
        name="Vase",
        code="VASE",
        price=Money(amount=4200, currency="EUR"),
        available=3,
    )
    model.apply_events([ProductPresented(seq=4, item=Presented(product=product, at=NOW))])
    assert [p.product.name for p in model.counter] == ["Vase"]
    model.take_ticket(ticket("t1", version=1, qty=5))  # older: ignored
    assert [r.ticket.qty for r in model.cart()] == [1]
    assert model.cart()[0].state_text(NOW + 60) == "Held · 9:00 left"
    assert model.cart()[0].line_total == "€12.50"
    model.apply_events(
        [SessionCartChanged(seq=5, ticket=ticket("t1", state="released", version=3))]
    )
    assert model.cart() == []  # put back: it leaves the session cart
    model.apply_events([SessionCartChanged(seq=6, ticket=ticket("t2", state="revoked"))])
    assert model.cart()[0].state_text(NOW) == "Sold in the shop"


def test_a_deleted_session_says_so_and_sends_nothing() -> None:
    model = LiveSession("ls1")
    model.apply_snapshot(snapshot())
    model.apply_events([SessionDeleted(seq=9, by="store")])
    assert model.deleted and model.read_only
    assert model.presence_text(NOW) == (
        "This session was deleted by the store. Its items were given back."
    )
    assert model.mark_due(3) is None and not model.typing_due(NOW)


def test_a_rings_preview_for_a_browser_window_is_not_the_desktops_call() -> None:
    """A browser window of the same session watches the store's ring (shared/preview.js): the
    store's preview answer reaches the desktop too, and must not reach its call's connection."""
    model = LiveSession("ls1", "Shop")
    heard: list[RtcRelayed] = []
    model.rtc.connect(heard.append)
    answer = SessionDescription(type="answer", sdp="v=0\r\n")
    model.apply_signal(
        RtcRelayed(call_id="c1", side="store", description=answer, preview=True), NOW
    )
    model.apply_signal(RtcRelayed(call_id="c1", side="store", description=answer), NOW)
    assert [f.preview for f in heard] == [False]
