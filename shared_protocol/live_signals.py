"""The live channel's ephemeral signals from a client: typing, the gallery's lead and what it
shows, following it, and which products' counts to hear. No answer, never stored (the unions
are in live.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .common import Ident, Inbound
from .live_views import Side

MAX_QUERY = 200
MAX_WATCHED = 200


class Typing(Inbound):
    """This side is typing (send at most every 2 s while typing)."""

    type: Literal["typing"] = "typing"


class Show(Inbound):
    """The side that leads the gallery shows a product or a search to the other."""

    type: Literal["show"] = "show"
    product_id: Ident | None = None
    query: Annotated[str, Field(max_length=MAX_QUERY)] | None = None


class Lead(Inbound):
    """Hand the lead of the gallery to `to` (the side that leads may)."""

    type: Literal["lead"] = "lead"
    to: Side


class Watch(Inbound):
    """Hear `availability` for these products of the store while they are on screen (the counter,
    the gallery, the board, the session cart); each `watch` replaces the last. The current counts
    follow at once."""

    type: Literal["watch"] = "watch"
    product_ids: list[Ident] = Field(max_length=MAX_WATCHED)


class Follow(Inbound):
    """This side follows what the lead shows, or stops following."""

    type: Literal["follow"] = "follow"
    on: bool
