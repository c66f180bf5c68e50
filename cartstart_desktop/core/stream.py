"""What the hub's stream does to the cart: the HubConnection's sink.

Events and snapshots are applied to the state, the orders and the bookmarks, then stored in one
transaction with their seq; only after that does the connection count them as applied, so a
crash in between replays them rather than losing them.
"""

from __future__ import annotations

from collections.abc import Callable

from shared_protocol.cart import (
    CartEvent,
    CartSnapshot,
    DiscountOffered,
    ItemAdded,
    OrderPlaced,
    OrderUpdated,
    QuantityChanged,
)
from shared_protocol.common import Availability
from shared_protocol.forms import DraftChanged, DraftView

from .bookmarks import Bookmark, Bookmarks, bookmark_for
from .cart import Change, Notice
from .connection import Status
from .local_cart import LocalCart
from .observable import Signal
from .purchases import Purchases


class CartStream:
    def __init__(
        self,
        local: LocalCart,
        bookmarks: Bookmarks,
        purchases: Purchases,
        notices: Signal[Notice],
        *,
        clock: Callable[[], float],
    ) -> None:
        self._local = local
        self._bookmarks = bookmarks
        self._purchases = purchases
        self._notices = notices
        self._clock = clock
        self.status = Status.OFFLINE
        self.status_changed: Signal[Status] = Signal()
        # Personalised items' drafts, as the hub last had them (core/drafts.py keeps them).
        self.draft_changed: Signal[DraftView] = Signal()

    async def apply_events(self, events: list[CartEvent], last_seq: int) -> None:
        now = self._clock()
        changes: list[Change] = []
        marks: list[Bookmark] = []
        for event in events:
            if isinstance(event, DraftChanged):
                self.draft_changed.emit(event.draft)
                continue
            if isinstance(event, OrderPlaced | OrderUpdated | DiscountOffered):
                changes += await self._purchases.take_event(event)
                continue
            event_changes, notice = self._local.state.apply_event(event, now)
            changes += event_changes
            if notice is not None:
                self._notices.emit(notice)
            if isinstance(event, ItemAdded | QuantityChanged):
                mark = bookmark_for(event.ticket, now)
                if mark is not None:
                    marks.append(mark)
        await self._commit(changes, last_seq, marks)

    async def apply_snapshot(self, snapshot: CartSnapshot) -> None:
        now = self._clock()
        # Bought tickets leave the cart for Deliveries (not "no longer held").
        changes = await self._purchases.take_orders(snapshot.orders, discounts=snapshot.discounts)
        changes += self._local.state.reconcile(snapshot, now)
        marks = [m for m in (bookmark_for(t, now) for t in snapshot.tickets) if m is not None]
        await self._commit(changes, snapshot.head_seq, marks)

    def apply_availability(self, item: Availability) -> None:
        self._local.take_availability(item)

    def connection_status(self, status: Status) -> None:
        self.status = status
        self.status_changed.emit(status)

    async def _commit(self, changes: list[Change], last_seq: int, marks: list[Bookmark]) -> None:
        await self._local.commit(changes, last_seq=last_seq, bookmarks=marks)
        self._bookmarks.merge(marks)
