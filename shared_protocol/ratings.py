"""Ratings of calls (docs/live-selling.md "Rating a call"): after an answered call has ended, the
visitor may rate it once, 1 to 5 stars with an optional comment. Ratings feed the averages of
the agent who took the call and of the store; the store's console reads them, and the store's
page shows the store's average if its owner wants."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import CommandId, Ident, Inbound, Outbound, Timestamp

MAX_COMMENT = 1000  # characters in a rating's comment

Stars = Annotated[int, Field(ge=1, le=5, description="1 to 5 stars")]


class RateCall(Inbound):
    """The visitor rates a call of their session that was answered and has ended; once per call
    (a second rating is `conflict`)."""

    type: Literal["rate_call"] = "rate_call"
    id: CommandId
    call_id: Ident
    stars: Stars
    comment: Annotated[str, Field(max_length=MAX_COMMENT)] = ""
    connection: Stars | None = Field(
        None, description="Optional: how good the connection was (sound, picture), 1-5"
    )


class CallRating(Outbound):
    """One call's rating. In the session's stream and its snapshot the agent fields are left
    out (a visitor learns nothing of the store's staff); the store's list fills them."""

    call_id: str
    stars: int
    comment: str = ""
    connection: int | None = Field(None, description="The connection's stars, if given")
    at: Timestamp
    session_id: str | None = None
    agent_id: str | None = Field(None, description="Who took the call; None: the store's key")
    agent_name: str | None = None


class Rated(Outbound):
    """Durable: the visitor rated a call of the session."""

    type: Literal["rated"] = "rated"
    seq: int
    rating: CallRating


class RatingSummary(Outbound):
    """An average of ratings: 1.0 to 5.0, None when there are none yet."""

    average: float | None = None
    count: int = 0


class AgentRating(RatingSummary):
    agent_id: str
    name: str


class Ratings(Outbound):
    """`GET /api/stores/{id}/ratings`: the store's average; for owners and the key every agent's
    average and the recent ratings, for an agent only their own."""

    store: RatingSummary
    agents: list[AgentRating] = Field(
        description="Per agent who took rated calls (an agent sees only their own line)"
    )
    recent: list[CallRating] = Field(description="The newest ratings first, with comments")
