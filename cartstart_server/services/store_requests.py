"""A firm's side of the marketplace's requests (its console): its own requests only, answered with
a price, a validity and a note (the buyer is emailed), or declined."""

from __future__ import annotations

from collections.abc import Callable

from shared_protocol.common import Money
from shared_protocol.solutions import StoreRequestView

from ..clock import Clock
from ..storage import directory
from ..storage import solution_answers as answers
from ..storage import solution_requests as requests
from ..storage.base import Database
from ..storage.solution_views import store_request_view
from ..storage.sql import Plan, Row
from .commits import Committer


class StoreRequests:
    def __init__(
        self, committer: Committer, db: Database, clock: Clock, on_queued: Callable[[], None]
    ) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._on_queued = on_queued

    async def of_store(self, store_id: str) -> list[StoreRequestView]:
        def plan() -> Plan[list[StoreRequestView]]:
            store = yield from directory.require_store(store_id)
            rows = yield from requests.of_store(store_id)
            return [store_request_view(r, store.name, r["solution_name"]) for r in rows]

        return await self._db.read(plan())

    async def answer(
        self, store_id: str, request_id: str, price: Money, valid_until: str, note: str
    ) -> StoreRequestView:
        now = self._clock.now()
        row = await self._committer.commit(
            lambda fx: answers.answer(
                fx,
                store_id=store_id,
                request_id=request_id,
                price=price,
                valid_until=valid_until,
                note=note,
                now=now,
            )
        )
        return await self._told(store_id, row)

    async def decline(self, store_id: str, request_id: str, note: str) -> StoreRequestView:
        now = self._clock.now()
        row = await self._committer.commit(
            lambda fx: answers.decline(
                fx, store_id=store_id, request_id=request_id, note=note, now=now
            )
        )
        return await self._told(store_id, row)

    async def _told(self, store_id: str, row: Row) -> StoreRequestView:
        self._on_queued()  # the buyer's email
        store = await self._db.read(directory.require_store(store_id))
        return store_request_view(row, store.name, row["solution_name"])
