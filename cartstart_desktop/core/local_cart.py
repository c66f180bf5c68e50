"""The cart as this computer knows it: the CartState in memory and its copy in the local store.

Changes are written, then announced (`changed`); the stream position is saved in the same
transaction as the rows it produced, so a restart resumes exactly where the rows stand.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared_protocol.common import Availability, TicketView

from .bookmarks import Bookmark
from .cart import CartItem, CartState, Change
from .local_store import LocalStore, Saved
from .observable import Signal


class LocalCart:
    def __init__(self, store: LocalStore) -> None:
        self.store = store
        self.state = CartState()
        self.last_seq: int | None = None
        """The hub's stream is applied and stored up to here (None: never synced)."""
        self.changed: Signal[list[Change]] = Signal()

    async def open(self) -> Saved:
        """Load the last known cart; returns everything saved (bookmarks, orders) for the rest."""
        await self.store.open()
        saved = await self.store.load()
        self.state.load(saved.items)
        self.last_seq = saved.last_seq
        self.changed.emit([Change("added", i.ticket_id, i.ticket.store_id) for i in saved.items])
        return saved

    async def close(self) -> None:
        await self.store.close()

    async def forget(self) -> None:
        """Delete everything this computer kept of the cart (file and memory)."""
        await self.store.clear()
        removed = [
            Change("removed", i.ticket_id, i.ticket.store_id) for i in self.state.items.values()
        ]
        self.state.load([])
        self.last_seq = None
        self.changed.emit(removed)

    async def commit(
        self,
        changes: list[Change],
        *,
        last_seq: int | None = None,
        bookmarks: Sequence[Bookmark] = (),
    ) -> None:
        """Store the rows `changes` touched (and how far the stream got), then announce them."""
        kept: list[CartItem] = []
        removed: list[str] = []
        for change in changes:
            item = self.state.items.get(change.ticket_id)
            if item is None:
                removed.append(change.ticket_id)
            else:
                kept.append(item)
        await self.store.save(kept, removed, last_seq=last_seq, bookmarks=bookmarks)
        if last_seq is not None:
            self.last_seq = last_seq
        if changes:
            self.changed.emit(changes)

    async def take_views(self, views: Sequence[TicketView]) -> None:
        """Ticket views from command results (older views than ours are ignored)."""
        changes: list[Change] = []
        for view in views:
            changes += self.state.apply_ticket(view)
        await self.commit(changes)

    def take_availability(self, item: Availability) -> None:
        """Live stock counts: shown, never stored."""
        self.changed.emit(self.state.apply_availability(item))
