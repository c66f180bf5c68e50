"""What the shopper does to the cart: reserve, change a quantity, renew, remove, sync, check out.

Each intent is one command to the hub (retried with its id by the connection). The row changes
when the hub's answer arrives, never before: the hub decides what the cart holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from shared_protocol.cart import (
    CartResult,
    Checkout,
    Release,
    Renew,
    Reserve,
    SetQuantity,
    Sync,
)

from .commands import Command, build, command_id
from .draft_state import NotSaved
from .hub_link import HubLink
from .local_cart import LocalCart
from .purchases import Purchases

if TYPE_CHECKING:
    from .drafts import Drafts
    from .review import CheckoutReview


class CartIntents:
    def __init__(
        self,
        local: LocalCart,
        link: HubLink,
        purchases: Purchases,
        drafts: Drafts,
        *,
        open_url: Callable[[str], None],
    ) -> None:
        self._drafts = drafts
        self._local = local
        self._link = link
        self._purchases = purchases
        self._open_url = open_url

    async def reserve(
        self, store_id: str, product_id: str, qty: int = 1, *, source_url: str | None = None
    ) -> None:
        """Hold `qty` more of a product, as a pick on its page would (`source_url`: the page,
        kept as the item's bookmark)."""
        await self._ticket_command(
            lambda: Reserve(
                id=command_id(),
                store_id=store_id,
                product_id=product_id,
                qty=qty,
                source_url=source_url,
            )
        )

    async def set_quantity(self, ticket_id: str, qty: int) -> None:
        await self._ticket_command(
            lambda: SetQuantity(id=command_id(), ticket_id=ticket_id, qty=qty)
        )

    async def renew(self, ticket_id: str) -> None:
        await self._ticket_command(lambda: Renew(id=command_id(), ticket_id=ticket_id))

    async def remove(self, ticket_id: str) -> None:
        """Release a held item (its stock goes back to the store); clear a finished row."""
        item = self._local.state.items.get(ticket_id)
        if item is None:
            return
        if item.held:
            await self._ticket_command(lambda: Release(id=command_id(), ticket_id=ticket_id))
        else:
            await self._local.commit(self._local.state.remove(ticket_id))

    async def sync(self) -> None:
        """Ask for a fresh snapshot (the stream applies it)."""
        _, connection = self._link.online()
        await connection.command(Sync(id=command_id()))

    def review(self, store_id: str | None = None) -> CheckoutReview:
        """What checking out one store (or all) would buy now, with which codes, for how much;
        stores with personalised items still to finish wait."""
        return self._purchases.review(self._local.state, store_id, self._drafts.missing)

    async def checkout(self, store_id: str | None = None) -> CartResult:
        """Buy whatever the hub holds for this cart from one store (or every store), with the
        codes stores offered, without a review (scripts and tests; the window reviews first and
        calls `place`). Opens the stores' payment links; returns the hub's answer."""
        stores = None if store_id is None else {store_id}
        return await self._checkout(
            None if stores is None else sorted(stores), self._purchases.codes_for(stores)
        )

    async def place(self, review: CheckoutReview) -> CartResult:
        """Buy what the review showed: from its stores, with its codes. The hub buys every item
        it holds for those stores, which is what the review showed while it followed the cart.
        Opens the stores' payment links; returns the hub's answer (orders, holds that ended)."""
        if not review.stores:
            self._link.online()  # signed out: say so, as a checkout would
            return CartResult(id=command_id(), orders=[], expired=[])
        # The hub checks the forms as it has them: the edits still on their way go first.
        keys = [
            (i.ticket.store_id, i.ticket.product_id)
            for i in self._local.state.items.values()
            if i.ticket.personalised and i.ticket_id in review.ticket_ids
        ]
        await self._drafts.refresh()  # one request: the hub's views (answers given elsewhere)
        await self._drafts.flush(keys)
        unsaved = self._drafts.unsaved(keys)
        if unsaved:  # the hub would check forms without them: nothing is bought
            raise NotSaved(unsaved)
        return await self._checkout(review.store_ids, review.codes)

    async def _checkout(self, store_ids: list[str] | None, codes: list[str]) -> CartResult:
        _, connection = self._link.online()
        command = build(
            lambda: Checkout(id=command_id(), store_ids=store_ids, discount_codes=codes)
        )
        reply = await connection.command(command)
        assert isinstance(reply, CartResult)
        await self._local.commit(await self._purchases.take_orders(reply.orders or []))
        for order in reply.orders or []:
            if order.payment.mode == "link" and order.payment.url:
                self._open_url(order.payment.url)
        return reply

    async def _ticket_command(self, make: Callable[[], Command]) -> None:
        _, connection = self._link.online()
        reply = await connection.command(build(make))
        if isinstance(reply, CartResult) and reply.ticket is not None:
            await self._local.take_views([reply.ticket])
