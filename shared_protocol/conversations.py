"""Conversations with visitors on the store's own pages (docs/agents.md "Talking with visitors
from the page"): a live session started from the store's site (`start_session` with `page_url`,
shared_protocol/live.py) records the page's origin; the store side may then send the visitor's
page to another page of that same site (`navigate`), a durable `navigated` event that the talk
panel on the page follows once."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import CommandId, Ident, Inbound, Outbound, Url
from .live_views import Side


class Navigate(Inbound):
    """The store sends the visitor's page to `url`, or to the page of `product_id` (exactly one
    of the two, else `invalid_message`). The address must be on the session's own site (the
    origin its page started on, one the store registered); anything else is `forbidden`."""

    type: Literal["navigate"] = "navigate"
    id: CommandId
    url: Url | None = None
    product_id: Ident | None = None


class Navigated(Outbound):
    """Durable: the store sent the visitor's page to `url` (a page of the session's site). A
    page applies it once: only when its seq is newer than the last it followed."""

    type: Literal["navigated"] = "navigated"
    seq: int
    url: str
    by: Side = Field(description="Who sent the page there: always the store")
