"""The shopper's view of a session's call (core/call.py): the same news twice or out of order
changes nothing, media starts once when the call becomes active and stops however it ends, and
each ending is said in words."""

from __future__ import annotations

from typing import Any

import pytest

from cartstart_desktop.core.call import CallWatch, clock_text, ended_words
from shared_protocol.calls import CallInfo, PeerMedia


def info(state: str, call_id: str = "c1", **more: Any) -> CallInfo:
    return CallInfo(call_id=call_id, started_by="visitor", state=state, created_at=1.0, **more)


def test_a_call_begins_once_and_ends_once_whatever_order_the_news_comes_in() -> None:
    watch = CallWatch("Harbour")
    watch.mine.add("c1")  # asked for by this cart
    assert watch.apply(info("ringing"), 10) is None
    assert watch.ringing and not watch.incoming and watch.status_text(10) == "Calling the seller…"
    assert watch.apply(info("active", answered_at=11.0), 11) == "began"
    assert watch.apply(info("active", answered_at=11.0), 12) is None  # the result, then the event
    assert watch.apply(info("ringing"), 12) is None  # older news
    assert (
        watch.active
        and watch.elapsed(76) == 65
        and watch.status_text(76) == "In a call with Harbour"
    )
    ended = info(
        "ended",
        answered_at=11.0,
        ended_at=76.0,
        end_reason="hung_up",
        ended_by="store",
        duration=65.0,
    )
    assert watch.apply(ended, 76) == "ended"
    assert watch.current is None and watch.elapsed(80) == 0
    assert watch.apply(ended, 77) is None and watch.apply(info("active"), 77) is None
    assert watch.status_text(80) == "Harbour hung up. The call lasted 1:05."


def test_a_new_call_replaces_one_that_ended_unseen_and_the_snapshot_ends_what_it_lacks() -> None:
    watch = CallWatch("Harbour")
    watch.apply(info("active", "c1"), 1)
    assert watch.apply(info("active", "c2"), 2) == "began"  # c1's end was missed
    assert watch.current is not None and watch.current.call_id == "c2"
    assert watch.load(None, seller_busy=True, now=3) == "ended"
    assert watch.current is None and not watch.can_ask
    assert watch.status_text(3).startswith("The seller is on another call")


def test_a_call_taken_in_the_browser_is_not_this_carts() -> None:
    watch = CallWatch("Harbour")
    watch.apply(info("ringing"), 1)  # asked for on the page, in the same session
    assert watch.elapsed(2) == 0 and watch.elsewhere and not watch.here
    assert watch.status_text(2) == "Calling the seller from another window (your browser)"
    watch.apply(info("active"), 2)
    assert watch.status_text(3) == "In a call with Harbour in another window (your browser)"
    rung = info("ringing", "c2").model_copy(update={"started_by": "store"})
    watch.apply(rung, 4)
    assert watch.incoming and not watch.elsewhere  # a ring: for whichever window answers


def test_the_stores_camera_and_microphone_count_only_for_the_current_call() -> None:
    watch = CallWatch()
    watch.apply(info("active"), 1)
    assert watch.peer.camera is False
    store = PeerMedia(call_id="c1", side="store", camera=True, microphone=False)
    assert watch.media(store) and watch.peer.camera and not watch.peer.microphone
    assert not watch.media(PeerMedia(call_id="old", side="store", camera=False, microphone=True))
    assert not watch.media(PeerMedia(call_id="c1", side="visitor", camera=False, microphone=True))
    assert watch.peer.camera


@pytest.mark.parametrize(
    ("reason", "by", "started_by", "answered", "words"),
    [
        ("declined", "visitor", "store", False, "You declined the call."),
        ("declined", "store", "visitor", False, "Harbour declined the call."),
        ("unanswered", None, "visitor", False, "Harbour did not answer the call."),
        ("unanswered", None, "store", False, "You missed a call from Harbour."),
        (
            "busy",
            None,
            "visitor",
            False,
            "The seller is on another call. Try again in a little while.",
        ),
        (
            "connection_lost",
            "visitor",
            "visitor",
            True,
            "The call ended after 0:07: the connection was lost.",
        ),
        (
            "peer_gone",
            "store",
            "visitor",
            True,
            "The call ended after 0:07: Harbour left the page.",
        ),
        ("hung_up", "visitor", "visitor", False, "You cancelled the call."),
        ("hung_up", "store", "store", False, "Harbour cancelled the call."),
        ("hung_up", "visitor", "visitor", True, "You hung up. The call lasted 0:07."),
        (
            "credit_exhausted",
            None,
            "visitor",
            True,
            "The call ended after 0:07: your support credit ran out. "
            "Buy more credit or ask Harbour to call again.",
        ),
        (
            "interrupted",
            None,
            "visitor",
            True,
            "The call ended after 0:07: the service lost it in a fault. "
            "Only the time until then was charged.",
        ),
    ],
)
def test_each_ending_in_words(
    reason: str, by: str | None, started_by: str, answered: bool, words: str
) -> None:
    call = CallInfo(
        call_id="c1",
        started_by=started_by,
        state="ended",
        created_at=1.0,
        answered_at=2.0 if answered else None,
        end_reason=reason,
        ended_by=by,
        duration=7.4 if answered else None,
    )
    assert ended_words(call, "Harbour") == words


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 5.9, 65, 3723, -3)] == [
        "0:00",
        "0:05",
        "1:05",
        "1:02:03",
        "0:00",
    ]
