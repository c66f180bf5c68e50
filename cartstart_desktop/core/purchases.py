"""What the shopper bought and may buy with: deliveries and discount codes.

Orders arrive from the hub's stream, in snapshots and in checkout replies, in any order; the
OrderBook keeps the newest view of each. A bought ticket leaves the cart (it is not "no longer
held"), so taking orders returns the cart changes for the caller to commit with its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from shared_protocol.cart import DiscountOffered, OrderPlaced, OrderUpdated
from shared_protocol.orders import DiscountView, OrderView

from .cart import CartState, Change, Notice
from .local_cart import LocalCart
from .observable import Signal
from .orders import Delivery, OrderBook, order_notice

if TYPE_CHECKING:
    from .review import CheckoutReview

OrderEvent = OrderPlaced | OrderUpdated | DiscountOffered


class Purchases:
    def __init__(
        self, local: LocalCart, notices: Signal[Notice], *, clock: Callable[[], float]
    ) -> None:
        self._local = local
        self._notices = notices
        self._clock = clock
        self.book = OrderBook()
        self.changed: Signal[None] = Signal()  # deliveries or discounts

    def load(self, deliveries: Iterable[Delivery], discounts: Iterable[DiscountView]) -> None:
        self.book.load(deliveries, discounts)
        self.changed.emit(None)

    def forget(self) -> None:
        self.book.load([], [])
        self.changed.emit(None)

    @property
    def deliveries(self) -> list[Delivery]:
        return self.book.listed()

    def live_discounts(self) -> list[DiscountView]:
        return self.book.live_discounts(self._clock())

    def review(
        self,
        state: CartState,
        store_id: str | None,
        missing: Callable[[str, str], list[str] | None] | None = None,
    ) -> CheckoutReview:
        """Checking out one store (or all) as it would go now (see core.review); `missing`:
        what personalised items' forms still lack."""
        from .review import review  # imported at the first review, not while the cart opens

        return review(
            state,
            self.book.discounts.values(),
            self.book.payment_modes(),
            store_id=store_id,
            now=self._clock(),
            **({} if missing is None else {"missing": missing}),
        )

    def codes_for(self, store_ids: set[str] | None) -> list[str]:
        """The discount codes to use when checking out these stores (None: every store)."""
        return self.book.usable_codes(store_ids, self._clock())

    async def take_event(self, event: OrderEvent) -> list[Change]:
        if isinstance(event, DiscountOffered):
            self._notices.emit(self.book.offer(event.discount))
            await self._local.store.save_orders([], self.book.discounts.values())
            self.changed.emit(None)
            return []
        known = self.book.deliveries.get(event.order.order_id)
        changes = await self.take_orders([event.order])
        if known is None or known.order.version < event.order.version:
            self._notices.emit(order_notice(event.order))
        return changes

    async def take_orders(
        self, orders: Sequence[OrderView], *, discounts: Sequence[DiscountView] | None = None
    ) -> list[Change]:
        """Record orders (newer views only) and, when given, the codes as they are now."""
        changes: list[Change] = []
        fresh: list[Delivery] = []
        for order in orders:
            for line in order.lines:
                changes += self._local.state.remove(line.ticket_id)
            delivery = self.book.apply_order(order)
            if delivery is not None:
                fresh.append(delivery)
        if discounts is not None:
            self.book.replace_discounts(discounts)
        if fresh or discounts is not None:
            await self._local.store.save_orders(fresh, self.book.discounts.values())
            self.changed.emit(None)
        return changes
