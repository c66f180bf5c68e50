"""Rating a call, the shopper's side (core/call_rating.py, and as LiveSession feeds it): an
answered call that ended is offered once; a call never answered, a running call, a deleted
session are not; a rating from any window (its event), from this window (its result) or one the
hub says exists (`conflict`) turns the offer into "rated", never asked again, also after a
reconnect's snapshot; the command is the protocol's, and what cannot be sent is said in words."""

from __future__ import annotations

from typing import Any

import pytest

from cartstart_desktop.core.api import HubError, HubUnreachable
from cartstart_desktop.core.call_rating import RatingNotSent, RatingWatch, count_text, stars_words
from cartstart_desktop.core.live_session import LiveSession
from shared_protocol.calls import CallChanged, CallInfo
from shared_protocol.ratings import MAX_COMMENT, CallRating, Rated
from tests.desktop.test_live_models import snapshot

STORE = "Harbour <b>Ceramics</b>"


def call(state: str, call_id: str = "c1", **more: Any) -> CallInfo:
    return CallInfo(call_id=call_id, started_by="visitor", state=state, created_at=1.0, **more)


def ended(call_id: str = "c1", *, answered: bool = True, **more: Any) -> CallInfo:
    if answered:
        more |= {"answered_at": 2.0, "duration": 65.0}
    return call("ended", call_id, ended_at=67.0, end_reason="hung_up", ended_by="store", **more)


def rating(call_id: str = "c1", stars: int = 4, comment: str = "") -> CallRating:
    return CallRating(call_id=call_id, stars=stars, comment=comment, at=70.0)


def test_an_answered_call_that_ended_is_offered_once_and_thanked_after_sending() -> None:
    watch = RatingWatch()
    assert watch.view(STORE).mode == "hidden"
    assert watch.on_call(call("ringing")) is False
    assert watch.on_call(call("active", answered_at=2.0)) is False
    assert watch.on_call(ended()) is True
    view = watch.view(STORE)
    assert view.mode == "ask" and view.legend == f"How was your call with {STORE}?"
    assert view.lasted == "" and view.support is False  # the call's own line says how long
    assert watch.on_call(ended()) is False  # the event after the result: once
    assert watch.on_call(call("active", answered_at=2.0)) is False  # older news
    assert watch.view(STORE).mode == "ask"

    cmd = watch.command(4, "  Patient <b>and</b> kind \n", connection=3)
    assert cmd.model_dump() == {
        "type": "rate_call",
        "id": cmd.id,
        "call_id": "c1",
        "stars": 4,
        "comment": "Patient <b>and</b> kind",
        "connection": None,  # only a support call rates the connection
    }
    # The event (heard first), then this window's result: thanks, with the stars given.
    assert watch.on_rated(rating(stars=4)) is True
    assert watch.view(STORE).mode == "rated"
    assert watch.on_rated(rating(stars=4), here=True) is True
    assert watch.view(STORE).message == f"Thank you: you gave 4 stars. {STORE} will see it."
    # A reconnect's snapshot keeps the thanks; a new call hides them.
    watch.load(ended(), rating(stars=4))
    assert watch.view(STORE).mode == "thanks"
    assert watch.on_call(call("ringing", "c2")) is True
    assert watch.view(STORE).mode == "hidden"


def test_a_call_never_answered_is_not_offered_and_a_deleted_session_hides_the_offer() -> None:
    watch = RatingWatch()
    assert watch.on_call(ended(answered=False)) is False
    assert watch.view(STORE).mode == "hidden"
    watch.on_call(ended("c2"))
    assert watch.view(STORE, read_only=True).mode == "hidden"


def test_a_support_call_rates_the_connection_and_the_snapshot_says_the_duration() -> None:
    watch = RatingWatch()
    watch.load(ended(support=True), None)  # the window opened after the call
    view = watch.view("")
    assert view.mode == "ask" and view.support
    assert view.legend == "How was the support from the store?"
    assert view.lasted == "Your call lasted 1:05."
    cmd = watch.command(5, "", connection=2)
    assert (cmd.stars, cmd.connection, cmd.comment) == (5, 2, "")
    assert watch.command(5, "", connection=0).connection is None  # the connection is optional


def test_a_call_rated_before_shows_as_rated_and_is_never_asked_again() -> None:
    watch = RatingWatch()
    watch.load(ended(), rating(stars=1))
    view = watch.view(STORE)
    assert view.mode == "rated" and view.message == "You rated this call 1 star."
    assert watch.on_call(ended()) is False  # replayed: still rated
    with pytest.raises(RatingNotSent, match="There is no call to rate"):
        watch.command(3, "")

    # Rated in the shopper's browser while this window asked: rated here too.
    other = RatingWatch()
    other.on_call(ended("c9"))
    assert other.on_rated(rating("c1")) is False  # another call's rating changes nothing
    assert other.on_rated(rating("c9", stars=5)) is True
    assert other.view(STORE).message == "You rated this call 5 stars."


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (HubError("conflict", "already rated"), ""),
        (HubError("invalid_state", "call still going"), "This call can no longer be rated."),
        (HubError("not_found", "no such call <b>c1</b>"), "This call can no longer be rated."),
        (
            HubError("invalid_message", "stars: Input should be less than or equal to 5"),
            "The hub did not take this rating. Check the stars and the comment, then send it again.",
        ),
        (
            HubUnreachable("down", hub_url="http://hub"),
            "The hub at http://hub cannot be reached. Check the address and your connection; "
            "the cart keeps trying.",
        ),
    ],
)
def test_refusals_are_said_in_words_and_conflict_means_rated(
    error: BaseException, words: str
) -> None:
    watch = RatingWatch()
    watch.on_call(ended())
    assert watch.refused("c1", error) == words
    assert watch.view(STORE).mode == ("rated" if not words else "ask")
    if not words:
        assert watch.view(STORE).message == "This call is rated already."


def test_what_cannot_be_sent_is_said_before_sending() -> None:
    watch = RatingWatch()
    watch.on_call(ended())
    with pytest.raises(RatingNotSent, match=r"^Choose from 1 to 5 stars first\.$"):
        watch.command(0, "Fine")
    with pytest.raises(RatingNotSent, match=r"^Your comment is 1,001 characters: shorten it"):
        watch.command(3, "x" * (MAX_COMMENT + 1))
    assert watch.command(3, "x" * MAX_COMMENT + "   ").comment == "x" * MAX_COMMENT
    assert (
        count_text(0) == "" and count_text(800) == "" and count_text(801) == "199 characters left"
    )
    assert count_text(1003) == "3 characters too many: a comment can have at most 1,000."
    assert [stars_words(n) for n in (1, 2, 5)] == ["1 star", "2 stars", "5 stars"]


def test_the_open_session_feeds_the_rating_from_snapshot_calls_and_rated_events() -> None:
    model = LiveSession("ls1", clock=lambda: 100.0)
    parts: list[frozenset[str]] = []
    model.changed.connect(parts.append)
    model.apply_snapshot(snapshot(last_call=ended().model_dump()))
    assert "rating" in parts[-1] and model.rating.view(model.store_name).mode == "ask"
    model.apply_events([CallChanged(seq=4, call=call("ringing", "c2"))])
    assert "rating" in parts[-1] and model.rating.view("").mode == "hidden"
    model.apply_events([CallChanged(seq=5, call=ended("c2"))])
    assert model.rating.offered is not None and model.rating.offered.call_id == "c2"
    parts.clear()
    model.apply_events([Rated(seq=6, rating=rating("c2", stars=3))])
    assert parts == [frozenset({"rating"})]
    assert model.rating.view("").message == "You rated this call 3 stars."
    model.deleted_now("store")
    assert model.rating.view("", model.read_only).mode == "hidden"


def test_a_snapshot_with_a_call_ringing_or_running_asks_for_no_rating_of_the_one_before() -> None:
    """A reopen during a new call: the previous call's rating waits until this one is over."""
    for state in ("ringing", "active"):
        now = call(state, "c2", answered_at=90.0) if state == "active" else call(state, "c2")
        model = LiveSession("ls1", clock=lambda: 100.0)
        model.apply_snapshot(snapshot(last_call=ended().model_dump(), call=now.model_dump()))
        assert model.rating.view(model.store_name).mode == "hidden", state
