"""A store's orders and customers: what was bought, by whom, and emailing them."""

from __future__ import annotations

from collections.abc import Callable

from shared_protocol.orders import StoreOrderView
from shared_protocol.store_api import CustomerView, HeldCart, WebhookDelivery

from ..clock import Clock
from ..domain import orders as rules
from ..storage import directory, outbound_queue, queries
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from ..storage.views import webhook_delivery
from .commits import Committer


class Orders:
    def __init__(
        self, committer: Committer, db: Database, clock: Clock, on_queued: Callable[[], None]
    ) -> None:
        self._commit = committer.commit
        self._db = db
        self._clock = clock
        self._on_queued = on_queued

    async def of_store(self, store_id: str, status: str | None = None) -> list[StoreOrderView]:
        return await self._db.read(queries.store_orders(store_id, status))

    async def one(self, store_id: str, order_id: str) -> StoreOrderView:
        return await self._db.read(queries.store_order(store_id, order_id))

    async def customers(
        self, store_id: str, query: str = "", product_id: str | None = None
    ) -> list[CustomerView]:
        return await self._db.read(queries.customers(store_id, query, product_id))

    async def carts_holding(self, store_id: str) -> list[HeldCart]:
        return await self._db.read(queries.carts_holding(store_id))

    async def email_customers(
        self, store_id: str, recipients: list[str], subject: str, body: str
    ) -> int:
        """Queue one email per recipient, signed with the store's name; returns how many."""
        store = await self._db.read(directory.require_store(store_id))
        now = self._clock.now()
        subject, body = rules.store_email(store.name, subject, body)

        def plan(_: Effects) -> Plan[int]:
            for to in recipients:
                yield from outbound_queue.queued_mail(to, subject, body, now)
            return len(recipients)

        sent = await self._commit(plan)
        self._on_queued()
        return sent

    async def webhooks(self, store_id: str, limit: int = 50) -> list[WebhookDelivery]:
        """The store's latest webhooks and how their delivery went (newest first)."""
        rows = await self._db.read(outbound_queue.webhooks_of(store_id, limit))
        return [webhook_delivery(r) for r in rows]
