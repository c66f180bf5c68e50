"""Bookmarks: the store pages the shopper picked products on, one per address, newest first.

They come from the hub's stream (a ticket's `source_url`) and are stored with the cart rows
that brought them; opening one linked to this cart is the pairing part's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared_protocol.common import TicketView

from .observable import Signal


@dataclass
class Bookmark:
    url: str
    store_id: str
    store_name: str
    title: str
    first_seen: float
    last_seen: float


def bookmark_for(ticket: TicketView, now: float) -> Bookmark | None:
    """The page a pick came from, if the pick was made on a page."""
    if not ticket.source_url:
        return None
    return Bookmark(ticket.source_url, ticket.store_id, ticket.store_name, ticket.name, now, now)


class Bookmarks:
    def __init__(self) -> None:
        self.pages: list[Bookmark] = []
        self.changed: Signal[None] = Signal()

    def load(self, pages: Iterable[Bookmark]) -> None:
        self.pages = list(pages)
        self.changed.emit(None)

    def forget(self) -> None:
        self.pages = []
        self.changed.emit(None)

    def merge(self, marks: Sequence[Bookmark]) -> None:
        """Add new pages; a known page keeps its first visit and takes the rest from the mark."""
        if not marks:
            return
        by_url = {b.url: b for b in self.pages}
        for mark in marks:
            known = by_url.get(mark.url)
            if known is None:
                by_url[mark.url] = mark
            else:
                known.title, known.store_name, known.last_seen = (
                    mark.title,
                    mark.store_name,
                    mark.last_seen,
                )
        self.pages = sorted(by_url.values(), key=lambda b: b.last_seen, reverse=True)
        self.changed.emit(None)
