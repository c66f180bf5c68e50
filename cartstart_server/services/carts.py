"""What shoppers do: hold, change and release tickets from their cart (desktop) or a linked page,
check out, and see their cart, counts and holds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from pydantic import TypeAdapter

from shared_protocol import ProtocolError
from shared_protocol.cart import (
    CartResult,
    CartSnapshot,
    Checkout,
    Release,
    Renew,
    Reserve,
    SetQuantity,
)
from shared_protocol.common import Availability, TicketView
from shared_protocol.page import AddToCart, Holding

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import identity as who
from ..domain.topics import ProductKey
from ..storage import directory, ledger, orders, queries
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from .commits import Committer, once
from .identity import LinkedPage, Shopper
from .metrics import HubMetrics
from .origins import OriginPolicy

T = TypeVar("T")

_TICKET = TypeAdapter(TicketView)
_CART_RESULT = TypeAdapter(CartResult)

TicketCommand = Reserve | SetQuantity | Release | Renew


class Carts:
    def __init__(
        self,
        committer: Committer,
        db: Database,
        clock: Clock,
        config: HubConfig,
        metrics: HubMetrics,
        origins: OriginPolicy,
        on_queued: Callable[[], None],
    ) -> None:
        self._commit = committer.commit
        self._db = db
        self._clock = clock
        self._config = config
        self._metrics = metrics
        self._origins = origins
        self._on_queued = on_queued  # webhooks and emails wait to be sent

    async def command(self, shopper: Shopper, cmd: TicketCommand) -> TicketView:
        now = self._clock.now()
        cart_id = shopper.cart_id
        warn = self._config.expiry_warning

        def plan(fx: Effects) -> Plan[TicketView]:
            inner: Plan[TicketView]
            match cmd:
                case Reserve():
                    inner = self._reserve(
                        fx, cart_id, cmd.store_id, cmd.product_id, cmd.qty, cmd.source_url, now
                    )
                case SetQuantity():
                    inner = ledger.set_quantity(
                        fx, cart_id=cart_id, ticket_id=cmd.ticket_id, qty=cmd.qty, now=now
                    )
                case Release():
                    inner = ledger.release(fx, cart_id=cart_id, ticket_id=cmd.ticket_id, now=now)
                case Renew():
                    inner = ledger.renew(
                        fx, cart_id=cart_id, ticket_id=cmd.ticket_id, now=now, warn_before=warn
                    )
            return once(f"cart:{cart_id}", cmd, cmd.id, inner, _TICKET, now)

        return await self._counted(cmd.type, self._commit(plan))

    async def checkout(self, shopper: Shopper, cmd: Checkout) -> CartResult:
        """One order per store, atomically; a retry with the same id gives the same orders."""
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[CartResult]:
            def inner() -> Plan[CartResult]:
                placed, expired = yield from orders.checkout(
                    fx,
                    cart_id=shopper.cart_id,
                    checkout_id=cmd.id,
                    store_ids=cmd.store_ids,
                    codes=cmd.discount_codes,
                    now=now,
                    new_id=cred.new_id,
                )
                return CartResult(id=cmd.id, orders=placed, expired=expired)

            return once(f"cart:{shopper.cart_id}", cmd, cmd.id, inner(), _CART_RESULT, now)

        result = await self._commit(plan)
        self._metrics.orders.inc(len(result.orders or ()))
        self._on_queued()
        return result

    async def add_to_cart(
        self, page: LinkedPage | None, cmd: AddToCart, origin: str | None = None
    ) -> TicketView:
        """Reserve for the page's cart (None: the page is not linked to one). `origin` is the
        page's Origin header (None when the caller is not a browser page)."""
        if page is None:
            raise who.unlinked_page(cmd.id)
        if page.store_id is not None and page.store_id != cmd.store_id:
            raise who.scoped_link_token(cmd.id)
        await self._origins.check_store(cmd.store_id, origin, cmd.id)
        now = self._clock.now()

        def checked(inner: Plan[TicketView]) -> Plan[TicketView]:
            # Revoking a paired browser stops it at once, even on an open connection.
            yield from directory.require_live_token(page.token_id, now)
            return (yield from inner)

        def plan(fx: Effects) -> Plan[TicketView]:
            inner = self._reserve(
                fx, page.cart_id, cmd.store_id, cmd.product_id, cmd.qty, cmd.page_url, now
            )
            return once(f"page:{page.cart_id}", cmd, cmd.id, checked(inner), _TICKET, now)

        return await self._counted("reserve", self._commit(plan))

    def _reserve(
        self,
        fx: Effects,
        cart_id: str,
        store_id: str,
        product_id: str,
        qty: int,
        source_url: str | None,
        now: float,
    ) -> Plan[TicketView]:
        return ledger.reserve(
            fx,
            new_ticket_id=cred.new_ordered_id("t"),
            cart_id=cart_id,
            store_id=store_id,
            product_id=product_id,
            qty=qty,
            source_url=source_url,
            now=now,
            warn_before=self._config.expiry_warning,
        )

    async def _counted(self, kind: str, work: Awaitable[T]) -> T:
        """Count reservations by outcome (for /metrics)."""
        if kind != "reserve":
            return await work
        try:
            result = await work
        except ProtocolError as exc:
            self._metrics.reservations.labels(exc.code.value).inc()
            raise
        self._metrics.reservations.labels("ok").inc()
        return result

    async def snapshot(self, cart_id: str) -> CartSnapshot:
        return await self._db.read(queries.cart_snapshot(cart_id, self._clock.now()))

    async def availability(self, refs: Iterable[ProductKey]) -> list[Availability]:
        return await self._db.read(queries.availability_of(list(refs)))

    async def holdings(self, page: LinkedPage, refs: Iterable[ProductKey]) -> list[Holding]:
        """What the page's cart holds among `refs` (only its store's, for a store-scoped token)."""
        wanted = [r for r in refs if page.store_id is None or r[0] == page.store_id]
        return await self._db.read(queries.holdings(page.cart_id, wanted))
