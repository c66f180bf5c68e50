"""A firm's side of the marketplace's requests (its console): its own requests only, answered with
a price, a validity and a note (the buyer is emailed), or declined. Owners and the store's key
reach all of them; an agent only those with a line of a product they handle (docs/agents.md)."""

from __future__ import annotations

import json
from collections.abc import Callable

from shared_protocol.common import Money
from shared_protocol.solutions import StoreRequestView

from ..clock import Clock
from ..domain.agents import sees_request
from ..storage import directory
from ..storage import solution_answers as answers
from ..storage import solution_requests as requests
from ..storage.base import Database
from ..storage.solution_views import store_request_view
from ..storage.sql import Effects, Plan, Row
from .agents import ConsoleActor
from .commits import Committer

# Read from the newest; an agent's list is filtered from this many, then cut to LISTED.
_SCAN = 1000
LISTED = 200


def _handled(actor: ConsoleActor) -> Plan[frozenset[str] | None]:
    if actor.role != "agent" or actor.agent_id is None:
        return None
    return (yield from requests.handled_by(actor.agent_id, actor.store.id))


class StoreRequests:
    def __init__(
        self, committer: Committer, db: Database, clock: Clock, on_queued: Callable[[], None]
    ) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._on_queued = on_queued

    async def heard_by(self, actor: ConsoleActor, frame_text: str) -> bool:
        """Whether a console hears a store-stream frame: every frame but a request event reaches
        everyone; an agent hears a request's events only if they may reach the request (its
        events carry the buyer's contact, as the list does)."""
        if '"type":"request_' not in frame_text[:40]:
            return True
        handled = await self._db.read(_handled(actor))
        if handled is None:
            return True
        view = json.loads(frame_text)["request"]
        return sees_request(handled, [line["product_id"] for line in view["lines"]])

    async def of_store(self, actor: ConsoleActor) -> list[StoreRequestView]:
        store_id = actor.store.id

        def plan() -> Plan[list[StoreRequestView]]:
            store = yield from directory.require_store(store_id)
            handled = yield from _handled(actor)
            rows = yield from requests.of_store(store_id, _SCAN if handled is not None else LISTED)
            seen = [r for r in rows if sees_request(handled, requests.line_products(r))]
            return [store_request_view(r, store.name, r["solution_name"]) for r in seen[:LISTED]]

        return await self._db.read(plan())

    async def answer(
        self, actor: ConsoleActor, request_id: str, price: Money, valid_until: str, note: str
    ) -> StoreRequestView:
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[Row]:
            handled = yield from _handled(actor)
            return (
                yield from answers.answer(
                    fx,
                    store_id=actor.store.id,
                    request_id=request_id,
                    handled=handled,
                    price=price,
                    valid_until=valid_until,
                    note=note,
                    now=now,
                )
            )

        row = await self._committer.commit(plan)
        return await self._told(actor.store.id, row)

    async def decline(self, actor: ConsoleActor, request_id: str, note: str) -> StoreRequestView:
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[Row]:
            handled = yield from _handled(actor)
            return (
                yield from answers.decline(
                    fx,
                    store_id=actor.store.id,
                    request_id=request_id,
                    handled=handled,
                    note=note,
                    now=now,
                )
            )

        row = await self._committer.commit(plan)
        return await self._told(actor.store.id, row)

    async def _told(self, store_id: str, row: Row) -> StoreRequestView:
        self._on_queued()  # the buyer's email
        store = await self._db.read(directory.require_store(store_id))
        return store_request_view(row, store.name, row["solution_name"])
