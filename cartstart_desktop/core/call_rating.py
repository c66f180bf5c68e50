"""Rating a call, the shopper's side (pure: no I/O, no Qt; docs/live-selling.md "Rating a call"):
once an answered call of the session has ended, the session window asks for 1 to 5 stars and an
optional comment, and for a support call the connection's stars too. It asks once per call: a
call rated already (in this window, in the shopper's browser, before the window was reopened,
or one the hub says is rated: `conflict`) shows as rated instead. A new call hides it all.

Fed by the snapshot (`last_call`, `last_rating`), the session's call news and its `rated`
events; it builds the `rate_call` command and says in words why one cannot be sent. The words
match the browser's (storefront_templates/src/live/rating.js).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared_protocol import ErrorCode
from shared_protocol.calls import CallInfo
from shared_protocol.ratings import MAX_COMMENT, CallRating, RateCall

from .api import HubError
from .call import clock_text
from .commands import command_id
from .lang import _, number
from .words import explain

Mode = Literal["hidden", "ask", "thanks", "rated"]
COUNT_FROM = 200
"""The comment's counter shows once this few characters are left."""


class RatingNotSent(Exception):
    """The rating was not sent, or not taken: the message says why, for people."""


def stars_words(stars: int) -> str:
    """ "1 star", "4 stars": the star buttons' accessible names and the thanks."""
    return _.n("{n} star", "{n} stars", stars)


def count_text(length: int) -> str:
    """Under the comment: how much is left near the limit, or by how much it is over."""
    left = MAX_COMMENT - length
    if left < 0:
        return _(
            "{over} characters too many: a comment can have at most {most}.",
            over=number(-left),
            most=number(MAX_COMMENT),
        )
    return _("{left} characters left", left=number(left)) if left < COUNT_FROM else ""


@dataclass(frozen=True)
class RatingView:
    """What the rating area shows."""

    mode: Mode
    legend: str = ""
    lasted: str = ""
    """The call's duration, when the call's own line no longer says it (a reopened window)."""
    support: bool = False
    """A support call: the connection is rated too."""
    message: str = ""
    """The thanks, or that the call is rated already."""


class RatingWatch:
    def __init__(self) -> None:
        self.offered: CallInfo | None = None
        """The answered, ended call the shopper is asked to rate."""
        self.done: CallRating | None = None
        """The rating to mention (the latest call's, once rated)."""
        self.done_call = ""
        """The call that is rated (the hub may say so without saying how)."""
        self.thanked = False
        """Rated from this window just now: thanks rather than "rated already"."""
        self.says_duration = False
        self.rated: dict[str, CallRating] = {}
        self._over: set[str] = set()
        """Calls seen ended (later news of them is old news)."""

    # ---- what the hub says --------------------------------------------------------------------

    def load(self, last: CallInfo | None, rating: CallRating | None) -> None:
        """The snapshot: the latest answered call that has ended, and its rating if any."""
        if rating is not None:
            self.rated[rating.call_id] = rating
        if last is not None:
            self._over.add(last.call_id)
        known = self.rated.get(last.call_id) if last is not None else None
        if self.thanked and known is not None and self.done_call == known.call_id:
            return  # a reconnect: the thanks just said stay
        self.offered = last if last is not None and known is None else None
        self.done = known
        self.done_call = known.call_id if known is not None else ""
        self.thanked = False
        self.says_duration = True

    def on_call(self, call: CallInfo) -> bool:
        """A call's news; whether the rating area changes. A new call hides it; an answered
        call that ended is offered, unless rated already."""
        if call.call_id in self._over:
            return False  # older news of a call that is over
        if call.state != "ended":
            changed = self.offered is not None or bool(self.done_call)
            self.offered, self.done, self.done_call, self.thanked = None, None, "", False
            return changed
        self._over.add(call.call_id)
        if call.answered_at is None:
            return False  # never answered: nothing to rate (its ring hid an earlier offer;
            # the next snapshot brings that back)
        known = self.rated.get(call.call_id)
        if known is not None:
            self.offered, self.done, self.done_call = None, known, call.call_id
        else:
            self.offered, self.done, self.done_call = call, None, ""
            self.says_duration = False  # the call's own line just said how long it was
        self.thanked = False
        return True

    def on_rated(self, rating: CallRating, *, here: bool = False) -> bool:
        """A rating of the session's: its event (from any window) or this window's result."""
        self.rated[rating.call_id] = rating
        if self.offered is not None and self.offered.call_id == rating.call_id:
            self.offered = None
        elif self.done_call != rating.call_id:
            return False  # an older call's: the area is about a later one
        self.done, self.done_call = rating, rating.call_id
        self.thanked = self.thanked or here
        return True

    def refused(self, call_id: str, error: BaseException) -> str:
        """The hub did not take this window's rating: the words to show, or "" when the call
        turned out to be rated already (`conflict`) and shows as rated."""
        code = error.code if isinstance(error, HubError) else ""
        if code in (ErrorCode.CONFLICT.value, ErrorCode.IDEMPOTENCY_CONFLICT.value):
            if self.offered is not None and self.offered.call_id == call_id:
                self.offered = None
                self.done = self.rated.get(call_id)
                self.done_call, self.thanked = call_id, False
            return ""
        if code in (ErrorCode.INVALID_STATE.value, ErrorCode.NOT_FOUND.value):
            return _("This call can no longer be rated.")
        if code == ErrorCode.INVALID_MESSAGE.value:
            return _(
                "The hub did not take this rating. Check the stars and the comment, then send it "
                "again."
            )
        return explain(error)

    # ---- what the window shows and sends --------------------------------------------------------

    def view(self, store: str, read_only: bool = False) -> RatingView:
        name = store or _("the store")
        if read_only:
            return RatingView("hidden")
        call = self.offered
        if call is not None:
            legend = (
                _("How was the support from {store}?", store=name)
                if call.support
                else _("How was your call with {store}?", store=name)
            )
            lasted = (
                _("Your call lasted {time}.", time=clock_text(call.duration))
                if self.says_duration and call.duration
                else ""
            )
            return RatingView("ask", legend, lasted, call.support)
        if not self.done_call:
            return RatingView("hidden")
        done = self.done
        if self.thanked and done is not None:
            return RatingView(
                "thanks",
                message=_(
                    "Thank you: you gave {stars}. {store} will see it.",
                    stars=stars_words(done.stars),
                    store=name,
                ),
            )
        if done is not None:
            said = _("You rated this call {stars}.", stars=stars_words(done.stars))
            return RatingView("rated", message=said)
        return RatingView("rated", message=_("This call is rated already."))

    def command(self, stars: int, comment: str, connection: int = 0) -> RateCall:
        """`rate_call` for the offered call; RatingNotSent says what to change first."""
        call = self.offered
        if call is None:
            raise RatingNotSent(_("There is no call to rate."))
        if not 1 <= stars <= 5:
            raise RatingNotSent(_("Choose from 1 to 5 stars first."))
        text = comment.strip()
        if len(text) > MAX_COMMENT:
            raise RatingNotSent(
                _(
                    "Your comment is {length} characters: shorten it to {most}.",
                    length=number(len(text)),
                    most=number(MAX_COMMENT),
                )
            )
        return RateCall(
            id=command_id(),
            call_id=call.call_id,
            stars=stars,
            comment=text,
            connection=connection if call.support and 1 <= connection <= 5 else None,
        )
