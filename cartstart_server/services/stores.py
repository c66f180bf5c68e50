"""What a store does: register, manage its catalogue, stock and settings, move its orders along,
offer discount codes, and read its tickets."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import TypeAdapter

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
from shared_protocol.store_api import ProductView, StoreInfo

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import identity as rules
from ..storage import catalogue, directory, discounts, orders, queries
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from ..storage.views import settings_of, store_info
from .commits import Committer, once
from .metrics import HubMetrics
from .origins import OriginPolicy

log = logging.getLogger(__name__)

_STORE_RESULT = TypeAdapter(StoreResult)

StoreCommand = (
    UpsertProducts | SetStock | AdjustStock | UpdateSettings | UpdateOrder | OfferDiscount
)


class Stores:
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

    async def create(
        self,
        name: str,
        *,
        default_ttl: float | None = None,
        renewal_limit: int | None = None,
        origins: list[str] | None = None,
    ) -> tuple[str, str]:
        """Register a store; returns (store_id, api_key). Only the key's hash is kept."""
        name = name.strip()
        rules.check_new_store(name, default_ttl, renewal_limit)
        store_id = cred.new_id("st")
        secret = cred.new_secret()
        await self._db.write(
            directory.create_store(
                store_id,
                name,
                cred.hash_secret(secret),
                default_ttl if default_ttl is not None else self._config.default_ticket_ttl,
                renewal_limit if renewal_limit is not None else self._config.default_renewal_limit,
                origins or [],
                self._clock.now(),
            )
        )
        log.info("store registered", extra={"store": store_id, "store_name": name})
        return store_id, cred.format_token(cred.STORE_KEY, store_id, secret)

    async def all(self) -> list[StoreInfo]:
        return [store_info(s) for s in await self._db.read(directory.list_stores())]

    async def command(self, store_id: str, cmd: StoreCommand) -> StoreResult:
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[StoreResult]:
            inner = self._plan(fx, store_id, cmd, now)
            return once(f"store:{store_id}", cmd, cmd.id, inner, _STORE_RESULT, now)

        result = await self._commit(plan)
        if result.revoked:
            self._metrics.revocations.inc(len(result.revoked))
        if result.order is not None:
            self._on_queued()  # its webhook and email are queued
        if isinstance(cmd, UpdateSettings):
            self._origins.forget()
        return result

    def _plan(self, fx: Effects, store_id: str, cmd: StoreCommand, now: float) -> Plan[StoreResult]:
        match cmd:
            case UpsertProducts():
                count = yield from catalogue.upsert_products(
                    fx, store_id=store_id, products=cmd.products, now=now
                )
                return StoreResult(id=cmd.id, upserted=count)
            case SetStock() | AdjustStock():
                level, revoked = yield from catalogue.change_stock(
                    fx,
                    store_id=store_id,
                    product_id=cmd.product_id,
                    on_hand=cmd.on_hand if isinstance(cmd, SetStock) else None,
                    delta=cmd.delta if isinstance(cmd, AdjustStock) else None,
                    now=now,
                )
                return StoreResult(id=cmd.id, stock=level, revoked=revoked)
            case UpdateOrder():
                order = yield from orders.update_order(fx, store_id=store_id, cmd=cmd, now=now)
                return StoreResult(id=cmd.id, order=order)
            case OfferDiscount():
                discount = yield from discounts.offer_discount(
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
            case UpdateSettings():
                return (yield from self._settings(store_id, cmd))

    def _settings(self, store_id: str, cmd: UpdateSettings) -> Plan[StoreResult]:
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
                contact_email=None if cmd.contact_email is None else cmd.contact_email.lower(),
            ),
        )
        return StoreResult(id=cmd.id, settings=settings_of(store), webhook_secret=secret)

    async def snapshot(self, store_id: str) -> StoreSnapshot:
        return await self._db.read(queries.store_snapshot(store_id))

    async def products(self, store_id: str) -> list[ProductView]:
        return await self._db.read(queries.store_products(store_id))

    async def product(self, store_id: str, product_id: str) -> ProductView:
        return await self._db.read(queries.store_product(store_id, product_id))

    async def find(self, name: str) -> StoreInfo | None:
        """The oldest store with this name (how an admin's script finds its store again)."""
        store = await self._db.read(directory.find_store_by_name(name))
        return store_info(store) if store else None
