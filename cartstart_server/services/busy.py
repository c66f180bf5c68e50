"""Busy status (docs/agents.md "Busy status"): which agents handle which products, and telling
the pages on those products, live, whether every one of their agents is in a call.

A change (a call of an agent starts or ends, an owner changes an agent's products, an agent is
removed) is computed once per store, with one read, and published once on the store's busy topic
(the broker carries it to every node). Each page filters that one frame down to the products it
shows: no read per page per change. A roster latch orders announcements made on different nodes
(its version) and answers pages that start watching without a read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from shared_protocol.agents import AgentProducts
from shared_protocol.desk import TalkProducts

from ..broker.base import Broker
from ..clock import Clock
from ..domain import busy as rules
from ..domain.topics import BUSY_LATCH, Frame, busy_topic
from ..ephemeral.base import Roster
from ..storage import agent_products
from ..storage.base import Database

log = logging.getLogger(__name__)


class Busy:
    def __init__(self, db: Database, roster: Roster, broker: Broker, clock: Clock) -> None:
        self._db = db
        self._roster = roster
        self._broker = broker
        self._clock = clock

    @staticmethod
    def topic(store_id: str) -> str:
        return busy_topic(store_id)

    # ---- the owner's choice --------------------------------------------------------------------

    async def set_products(
        self, store_id: str, agent_id: str, product_ids: list[str]
    ) -> AgentProducts:
        if not await self._db.write(agent_products.set_products(store_id, agent_id, product_ids)):
            raise rules.no_such_agent()
        await self.changed(store_id)
        return await self.products_of(store_id, agent_id)

    async def products_of(self, store_id: str, agent_id: str) -> AgentProducts:
        found = await self._db.read(agent_products.products_of(store_id, agent_id))
        if found is None:
            raise rules.no_such_agent()
        return AgentProducts(agent_id=agent_id, product_ids=found)

    # ---- what pages hear ---------------------------------------------------------------------

    async def now(self, store_id: str) -> tuple[rules.States, int]:
        """The store's states and their version: the latch, or (never announced) one read."""
        latched = await self._roster.latched(BUSY_LATCH, store_id)
        if latched is not None:
            return rules.from_latch(latched.value), latched.version
        return await self._compute(store_id), 0

    @staticmethod
    def for_page(
        store_id: str, found: rules.States, version: int, products: Iterable[str]
    ) -> TalkProducts:
        """What one page hears: only the products it shows that have agents."""
        mine = [p for p in products if p in found]
        return TalkProducts(
            store_id=store_id,
            products={p: found[p][0] for p in mine},
            busy_with={p: found[p][1] for p in mine if found[p][0] == "busy"},
            version=version,
        )

    @staticmethod
    def from_frame(frame: Frame) -> tuple[str, rules.States]:
        """A busy topic's frame: its store and the store's states."""
        return rules.from_frame_text(frame.text)

    # ---- announcing --------------------------------------------------------------------------

    async def changed(self, store_id: str) -> None:
        """Something the busy status depends on changed: announce the store's states if they
        moved. Whoever changes the latch reads again and corrects it if another node's change
        came in between, so the last announcement (the highest version) is right."""
        try:
            for _ in range(3):
                value = rules.latch_value(await self._compute(store_id))
                latched = await self._roster.latch(BUSY_LATCH, store_id, value, self._clock.now())
                if not latched.changed:
                    return
                frame = Frame(rules.frame_text(store_id, value), version=latched.version)
                await self._broker.publish(busy_topic(store_id), frame)
                if rules.latch_value(await self._compute(store_id)) == value:
                    return
        except Exception:  # the call or the change is done: pages catch up on the next one
            log.exception("could not announce the busy status of store %s", store_id)

    async def team_changed(self, store_id: str, agent_id: str) -> None:
        await self.changed(store_id)

    async def _compute(self, store_id: str) -> rules.States:
        handlers, in_call = await self._db.read(agent_products.handlers(store_id))
        return rules.states(handlers, in_call)
