"""Commit, then publish: the one way a change reaches the database and then the world."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, TypeAdapter

from shared_protocol.backoff import Backoff
from shared_protocol.common import Availability

from ..broker.base import Broker
from ..domain.topics import Frame, ProductKey, product_topic
from ..storage import idempotency
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from .metrics import HubMetrics

T = TypeVar("T")
log = logging.getLogger(__name__)

# A write that lost a race with another node's transaction (deadlock, serialization) is rebuilt
# and run again (plans are generators and cannot be rewound), after a short jittered pause.
ATTEMPTS = 5
RACE_RETRY = Backoff(base=0.002, cap=0.05)


class Committer:
    def __init__(
        self,
        db: Database,
        broker: Broker,
        metrics: HubMetrics,
        on_deadline: Callable[[float], None],
    ) -> None:
        self.db = db
        self.broker = broker
        self.metrics = metrics
        self._on_deadline = on_deadline  # the expiry scheduler hears of new deadlines
        self._broker_failing = False  # logged once per outage, not once per message

    async def commit(self, build: Callable[[Effects], Plan[T]]) -> T:
        """Run the plan `build(effects)` in one transaction; once committed, publish its
        effects."""
        for attempt in range(1, ATTEMPTS + 1):
            fx = Effects()
            try:
                value = await self.db.write(build(fx))
            except Exception as exc:
                if attempt < ATTEMPTS and self.db.retryable(exc):
                    await asyncio.sleep(RACE_RETRY.delay(attempt))
                    continue
                raise
            await self.publish(fx)
            return value
        raise AssertionError("unreachable")

    async def announce(self, topic: str, frame: Frame) -> None:
        """Publish an ephemeral frame (nothing stored): lost if the broker is down, like the
        moment it described."""
        try:
            await self.broker.publish(topic, frame)
        except Exception:
            self.metrics.broker_failures.inc()
            log.debug("broker announce failed", extra={"topic": topic}, exc_info=True)

    async def publish(self, fx: Effects) -> None:
        messages = list(fx.streams)
        messages += [
            (product_topic(*key), availability_frame(key, count, version))
            for key, (count, version) in fx.availability.items()
        ]
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
            self._on_deadline(min(fx.deadlines))


def availability_frame(key: ProductKey, count: int, version: int) -> Frame:
    view = Availability(store_id=key[0], product_id=key[1], available=count, version=version)
    return Frame(view.model_dump_json(), 0, version)


def once(
    principal: str,
    command: BaseModel,
    key: str,
    inner: Plan[T],
    adapter: TypeAdapter[T],
    now: float,
) -> Plan[T]:
    """`inner`, applied once per command id of `principal` (`cart:<id>`, `page:<id>`,
    `store:<id>`): a retry gets the first result back, and a reused id with another body is an
    error."""
    body_hash = idempotency.request_hash(command.model_dump_json())
    return idempotency.once(principal, key, body_hash, inner, adapter, now)
