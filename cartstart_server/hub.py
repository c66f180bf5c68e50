"""The hub's application service: every use case, whatever transport it came through.

Transports (WebSocket, HTTP, polling, the command line) authenticate, parse and call in here; the
Hub runs the plans on the database and, only once they are committed, publishes what changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from pydantic import TypeAdapter

from shared_protocol import ErrorCode, ProtocolError
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
from shared_protocol.orders import StoreOrderView
from shared_protocol.page import AddToCart, Holding
from shared_protocol.store import (
    AdjustStock,
    OfferDiscount,
    SetStock,
    StoreResult,
    StoreSnapshot,
    UpdateOrder,
    UpdateSettings,
    UpsertProducts,
)

from . import credentials as cred
from .broker.base import Broker, product_topic
from .clock import Clock
from .config import HubConfig
from .expiry import ExpiryScheduler
from .identity import Identity
from .identity import IssuedLinkToken as IssuedLinkToken
from .identity import LinkedPage as LinkedPage
from .identity import Session as Session
from .identity import Shopper as Shopper
from .metrics import HubMetrics
from .origins import OriginPolicy
from .outbound import OutboundDispatcher
from .storage import directory, idempotency, ledger, orders, outbound_queue, outbox, queries
from .storage.base import Database
from .storage.directory import StoreRow
from .storage.sql import Effects, Plan, Row
from .storage.views import settings_of

T = TypeVar("T")
log = logging.getLogger(__name__)

_TICKET = TypeAdapter(TicketView)
_STORE_RESULT = TypeAdapter(StoreResult)
_CART_RESULT = TypeAdapter(CartResult)

CartCommand = Reserve | SetQuantity | Release | Renew
StoreCommand = (
    UpsertProducts | SetStock | AdjustStock | UpdateSettings | UpdateOrder | OfferDiscount
)


class Hub(Identity):
    def __init__(self, db: Database, broker: Broker, clock: Clock, config: HubConfig) -> None:
        super().__init__(db, clock, config)
        self.broker = broker
        self.metrics = HubMetrics()
        self._broker_failing = False  # logged once per outage, not once per message
        # One database shared by several nodes: each scheduler also looks every 2 s.
        shared = config.database_url is not None
        self.scheduler = ExpiryScheduler(self._process_due, clock, recheck=2.0 if shared else None)
        self.origins = OriginPolicy(lambda: self.db.read(directory.all_origins()))
        self.outbound = OutboundDispatcher(db, clock, config, self.metrics)
        self._tasks: list[asyncio.Task[None]] = []

    # ---- life cycle -----------------------------------------------------------------------------

    async def start(self, *, background: bool = True) -> None:
        """Open storage and the broker; with `background`, also run expiry and maintenance (a
        command-line tool working on a live hub's database must leave those to the hub)."""
        await self.db.open()
        await self.broker.start()
        if not background:
            return
        self._tasks.append(asyncio.create_task(self.scheduler.run(), name="expiry"))
        self._tasks.append(asyncio.create_task(self._maintenance(), name="maintenance"))
        self._tasks.append(asyncio.create_task(self.outbound.run(), name="outbound"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.broker.stop()
        await self.db.close()

    async def _maintenance(self) -> None:
        while True:
            await asyncio.sleep(3600)
            cutoff = self.clock.now() - idempotency.RETENTION_SECONDS
            try:
                pruned = await self.db.write(idempotency.prune(cutoff))
                log.info("pruned idempotency keys", extra={"count": pruned})
            except Exception:
                log.exception("maintenance failed")

    # ---- committing and publishing ----------------------------------------------------------------

    async def _commit(self, build: Callable[[Effects], Plan[T]]) -> T:
        for attempt in range(1, 6):
            fx = Effects()
            try:
                value = await self.db.write(build(fx))
            except Exception as exc:
                if attempt < 5 and self.db.retryable(exc):
                    continue  # lost a race with another node's transaction: run it again
                raise
            await self._publish(fx)
            return value
        raise AssertionError("unreachable")

    async def _publish(self, fx: Effects) -> None:
        messages = [(entry.owner, entry.frame) for entry in fx.outbox]
        messages += [(product_topic(*key), frame) for key, frame in fx.availability.items()]
        for topic, frame in messages:
            try:
                await self.broker.publish(topic, frame)
            except Exception:
                # Committed is committed: the command succeeded. Subscribers catch up from the
                # database when the broker is back (it tells them they may have missed some).
                self.metrics.broker_failures.inc()
                if not self._broker_failing:
                    log.warning("broker publish failed", extra={"topic": topic}, exc_info=True)
                self._broker_failing = True
            else:
                if self._broker_failing:
                    log.info("broker publishing again")
                self._broker_failing = False
        if fx.deadlines:
            self.scheduler.notify(min(fx.deadlines))

    async def _process_due(self) -> float | None:
        now = self.clock.now()

        def plan(fx: Effects) -> Plan[tuple[int, int, float | None]]:
            expired, warned = yield from ledger.process_due(fx, now=now, limit=500)
            upcoming = yield from ledger.next_deadline()
            return expired, warned, upcoming

        expired, warned, upcoming = await self._commit(plan)
        if expired:
            self.metrics.expiries.inc(expired)
            log.info("tickets expired", extra={"count": expired})
        # A full batch means more may be due already.
        return now if expired + warned >= 500 else upcoming

    # ---- carts -------------------------------------------------------------------------------------

    async def cart_command(self, shopper: Shopper, cmd: CartCommand) -> TicketView:
        now = self.clock.now()
        cart_id = shopper.cart_id
        warn = self.config.expiry_warning

        def plan(fx: Effects) -> Plan[TicketView]:
            inner: Plan[TicketView]
            if isinstance(cmd, Reserve):
                inner = ledger.reserve(
                    fx,
                    new_ticket_id=cred.new_ordered_id("t"),
                    cart_id=cart_id,
                    store_id=cmd.store_id,
                    product_id=cmd.product_id,
                    qty=cmd.qty,
                    source_url=cmd.source_url,
                    now=now,
                    warn_before=warn,
                )
            elif isinstance(cmd, SetQuantity):
                inner = ledger.set_quantity(
                    fx, cart_id=cart_id, ticket_id=cmd.ticket_id, qty=cmd.qty, now=now
                )
            elif isinstance(cmd, Release):
                inner = ledger.release(fx, cart_id=cart_id, ticket_id=cmd.ticket_id, now=now)
            else:
                inner = ledger.renew(
                    fx, cart_id=cart_id, ticket_id=cmd.ticket_id, now=now, warn_before=warn
                )
            return self._once(f"cart:{cart_id}", cmd.id, cmd.model_dump_json(), inner, _TICKET, now)

        return await self._counted(cmd.type, self._commit(plan))

    async def checkout(self, shopper: Shopper, cmd: Checkout) -> CartResult:
        """One order per store, atomically; a retry with the same id gives the same orders."""
        now = self.clock.now()

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

            return self._once(
                f"cart:{shopper.cart_id}", cmd.id, cmd.model_dump_json(), inner(), _CART_RESULT, now
            )

        result = await self._commit(plan)
        self.metrics.orders.inc(len(result.orders or ()))
        self.outbound.wake()
        return result

    async def add_to_cart(
        self, page: LinkedPage, cmd: AddToCart, origin: str | None = None
    ) -> TicketView:
        """Reserve for the page's cart. `origin` is the page's Origin header (None when the
        caller is not a browser page)."""
        if page.store_id is not None and page.store_id != cmd.store_id:
            raise ProtocolError(
                ErrorCode.FORBIDDEN,
                "this link token only adds products of its own store",
                command_id=cmd.id,
            )
        await self.origins.check_store(cmd.store_id, origin, cmd.id)
        now = self.clock.now()

        def checked(inner: Plan[TicketView]) -> Plan[TicketView]:
            yield from directory.require_live_token(page.token_id, now)
            return (yield from inner)

        def plan(fx: Effects) -> Plan[TicketView]:
            inner = ledger.reserve(
                fx,
                new_ticket_id=cred.new_ordered_id("t"),
                cart_id=page.cart_id,
                store_id=cmd.store_id,
                product_id=cmd.product_id,
                qty=cmd.qty,
                source_url=cmd.page_url,
                now=now,
                warn_before=self.config.expiry_warning,
            )
            return self._once(
                f"page:{page.cart_id}", cmd.id, cmd.model_dump_json(), checked(inner), _TICKET, now
            )

        return await self._counted("reserve", self._commit(plan))

    def _once(
        self,
        principal: str,
        key: str,
        body: str,
        inner: Plan[T],
        adapter: TypeAdapter[T],
        now: float,
    ) -> Plan[T]:
        return idempotency.once(principal, key, idempotency.request_hash(body), inner, adapter, now)

    async def _counted(self, kind: str, work: Awaitable[T]) -> T:
        """Count reservations by outcome (for /metrics)."""
        if kind != "reserve":
            return await work
        try:
            result = await work
        except ProtocolError as exc:
            self.metrics.reservations.labels(exc.code.value).inc()
            raise
        self.metrics.reservations.labels("ok").inc()
        return result

    async def cart_snapshot(self, cart_id: str) -> CartSnapshot:
        return await self.db.read(queries.cart_snapshot(cart_id, self.clock.now()))

    async def availability(self, refs: Iterable[tuple[str, str]]) -> list[Availability]:
        return await self.db.read(queries.availability_of(list(refs)))

    async def holdings(self, page: LinkedPage, refs: Iterable[tuple[str, str]]) -> list[Holding]:
        """What the page's cart holds among `refs` (only its store's, for a store-scoped token)."""
        wanted = [r for r in refs if page.store_id is None or r[0] == page.store_id]
        return await self.db.read(queries.holdings(page.cart_id, wanted))

    # ---- stores ------------------------------------------------------------------------------------

    async def create_store(
        self,
        name: str,
        *,
        default_ttl: float | None = None,
        renewal_limit: int | None = None,
        origins: list[str] | None = None,
    ) -> tuple[str, str]:
        """Register a store; returns (store_id, api_key). Only the key's hash is kept."""
        name = name.strip()
        if not 1 <= len(name) <= 100:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a store name needs 1 to 100 characters")
        if default_ttl is not None and not 1 <= default_ttl <= 7 * 24 * 3600:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a ticket TTL is 1 s to 7 days")
        if renewal_limit is not None and not 0 <= renewal_limit <= 100:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a renewal limit is 0 to 100")
        store_id = cred.new_id("st")
        secret = cred.new_secret()
        await self.db.write(
            directory.create_store(
                store_id,
                name,
                cred.hash_secret(secret),
                default_ttl if default_ttl is not None else self.config.default_ticket_ttl,
                renewal_limit if renewal_limit is not None else self.config.default_renewal_limit,
                origins or [],
                self.clock.now(),
            )
        )
        log.info("store registered", extra={"store": store_id, "store_name": name})
        return store_id, cred.format_token(cred.STORE_KEY, store_id, secret)

    async def rotate_store_key(self, store_id: str) -> str:
        secret = cred.new_secret()
        await self.db.write(directory.set_store_key(store_id, cred.hash_secret(secret)))
        return cred.format_token(cred.STORE_KEY, store_id, secret)

    async def authenticate_store(self, key: str | None) -> StoreRow:
        parsed = cred.parse_token(key or "", cred.STORE_KEY)
        store = await self.db.read(directory.get_store(parsed[0])) if parsed else None
        if parsed is None or store is None or not cred.secret_matches(parsed[1], store.key_hash):
            raise ProtocolError(ErrorCode.UNAUTHORIZED, "not a valid store API key")
        return store

    async def stores(self) -> list[StoreRow]:
        return await self.db.read(directory.list_stores())

    async def store_command(self, store_id: str, cmd: StoreCommand) -> StoreResult:
        now = self.clock.now()

        def plan(fx: Effects) -> Plan[StoreResult]:
            return self._once(
                f"store:{store_id}",
                cmd.id,
                cmd.model_dump_json(),
                self._store_plan(fx, store_id, cmd, now),
                _STORE_RESULT,
                now,
            )

        result = await self._commit(plan)
        if result.revoked:
            self.metrics.revocations.inc(len(result.revoked))
        if result.order is not None:
            self.outbound.wake()  # its webhook and email are queued
        if isinstance(cmd, UpdateSettings):
            self.origins.forget()
        return result

    def _store_plan(
        self, fx: Effects, store_id: str, cmd: StoreCommand, now: float
    ) -> Plan[StoreResult]:
        if isinstance(cmd, UpsertProducts):
            count = yield from ledger.upsert_products(
                fx, store_id=store_id, products=cmd.products, now=now
            )
            return StoreResult(id=cmd.id, upserted=count)
        if isinstance(cmd, SetStock | AdjustStock):
            level, revoked = yield from ledger.change_stock(
                fx,
                store_id=store_id,
                product_id=cmd.product_id,
                on_hand=cmd.on_hand if isinstance(cmd, SetStock) else None,
                delta=cmd.delta if isinstance(cmd, AdjustStock) else None,
                now=now,
            )
            return StoreResult(id=cmd.id, stock=level, revoked=revoked)
        if isinstance(cmd, UpdateOrder):
            order = yield from orders.update_order(fx, store_id=store_id, cmd=cmd, now=now)
            return StoreResult(id=cmd.id, order=order)
        if isinstance(cmd, OfferDiscount):
            discount = yield from orders.offer_discount(
                fx,
                store_id=store_id,
                cart=cmd.cart_ref,
                code=cred.new_discount_code(),
                percent_off=cmd.percent_off,
                amount_off=cmd.amount_off,
                message=cmd.message,
                expires_at=now + cmd.expires_in_seconds,
                now=now,
            )
            return StoreResult(id=cmd.id, discount=discount)
        # A new webhook URL gets a new signing secret, shown once in this result.
        secret = cred.new_webhook_secret() if cmd.webhook_url else None
        store = yield from directory.update_settings(
            store_id,
            directory.SettingsChange(
                default_ttl=cmd.default_ttl_seconds,
                renewal_limit=cmd.renewal_limit,
                origins=None if cmd.origins is None else sorted({o.lower() for o in cmd.origins}),
                payment_url_template=cmd.payment_url_template,
                webhook_url=cmd.webhook_url,
                webhook_secret=(secret or "") if cmd.webhook_url is not None else None,
            ),
        )
        return StoreResult(id=cmd.id, settings=settings_of(store), webhook_secret=secret)

    async def store_orders(self, store_id: str, status: str | None = None) -> list[StoreOrderView]:
        return await self.db.read(queries.store_orders(store_id, status))

    async def store_order(self, store_id: str, order_id: str) -> StoreOrderView:
        return await self.db.read(queries.store_order(store_id, order_id))

    async def customers(
        self, store_id: str, query: str = "", product_id: str | None = None
    ) -> list[Row]:
        return await self.db.read(queries.customers(store_id, query, product_id))

    async def carts_holding(self, store_id: str) -> list[Row]:
        return await self.db.read(queries.carts_holding(store_id))

    async def email_customers(
        self, store_id: str, recipients: list[str], subject: str, body: str
    ) -> int:
        """Queue one email per recipient, signed with the store's name; returns how many."""
        store = await self.db.read(directory.require_store(store_id))
        now = self.clock.now()

        def plan(_: Effects) -> Plan[int]:
            for to in recipients:
                yield from outbound_queue.queued_mail(
                    to, f"{store.name}: {subject}", f"{body}\n\n-- {store.name}", now
                )
            return len(recipients)

        sent = await self._commit(plan)
        self.outbound.wake()
        return sent

    async def store_snapshot(self, store_id: str) -> StoreSnapshot:
        return await self.db.read(queries.store_snapshot(store_id))

    async def store_products(self, store_id: str) -> list[Row]:
        return await self.db.read(queries.store_products(store_id))

    async def store_product(self, store_id: str, product_id: str) -> Row | None:
        return await self.db.read(ledger.product_row(store_id, product_id))

    # ---- durable streams ---------------------------------------------------------------------------

    async def stream_state(self, owner: str) -> tuple[int, int]:
        return await self.db.read(outbox.stream_state(owner))

    async def read_outbox(self, owner: str, after: int, limit: int = 500) -> list[tuple[int, str]]:
        return await self.db.read(outbox.read_after(owner, after, limit))

    async def ack(self, owner: str, seq: int) -> None:
        await self.db.write(outbox.ack(owner, seq))

    # ---- operations --------------------------------------------------------------------------------

    async def refresh_gauges(self) -> None:
        counts = await self.db.read(queries.ticket_counts())
        for state in ("held", "purchased", "released", "expired", "revoked"):
            self.metrics.tickets.labels(state).set(counts.get(state, 0))
        self.metrics.outbox_depth.set(await self.db.read(outbox.depth()))
