"""Running support calls on the hub clock: the node that answered one ticks it every
`support_tick_seconds`, warns both sides a minute before its credit runs out and ends it when it
does (`credit_exhausted`). Every node, at start and every few seconds, ends support calls whose
tick is older than `support_orphan_seconds` (their node died) and charges them up to the last
tick (`interrupted`). Each step is one conditional UPDATE, so it happens once across nodes; the
charge is part of the plan that ends the call (storage/credit.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from shared_protocol.calls import CallInfo

from ..clock import Clock
from ..config import HubConfig
from ..domain import support as rules
from ..storage import calls, credit
from ..storage.base import Database
from .commits import Committer

log = logging.getLogger(__name__)

Ended = Callable[[str, str], Awaitable[None]]  # (store_id, session_id): tell busy and lobby


class SupportCalls:
    def __init__(
        self, committer: Committer, db: Database, clock: Clock, config: HubConfig, ended: Ended
    ) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._tick = config.support_tick_seconds
        self._orphan = config.support_orphan_seconds
        self._ended = ended
        self._timers: dict[str, asyncio.Task[None]] = {}

    def follow(self, call: CallInfo) -> None:
        """This node answered a support call: run its clock here."""
        if call.call_id not in self._timers:
            task = asyncio.ensure_future(self._run(call.call_id))
            self._timers[call.call_id] = task
            task.add_done_callback(lambda _t: self._timers.pop(call.call_id, None))

    async def _run(self, call_id: str) -> None:
        row = await self._db.read(credit.call_row(call_id))
        if row is None or row["plan_balance"] is None:
            return
        warn_at, ends_at = credit.plan_of(row)
        warned = row["warned_at"] is not None
        next_tick = self._clock.now() + self._tick
        while True:
            now = self._clock.now()
            if now >= ends_at:
                await self._exhaust(call_id)
                return
            if not warned and now >= warn_at:
                warned = True
                await self._warn(call_id, now)
            if now >= next_tick:
                next_tick = now + self._tick
                if not await self._tick_once(call_id, now):
                    return  # it ended (hung up, or on another node)
            deadline = min(ends_at, next_tick, ends_at if warned else warn_at)
            await self._clock.sleep_until(deadline)

    async def _warn(self, call_id: str, now: float) -> None:
        await self._committer.commit(lambda fx: credit.warn(fx, call_id, now))

    async def _tick_once(self, call_id: str, now: float) -> bool:
        return await self._committer.commit(lambda _fx: credit.tick(call_id, now)) is not None

    async def _exhaust(self, call_id: str) -> None:
        now = self._clock.now()
        ended = await self._committer.commit(lambda fx: calls.exhaust(fx, call_id, now))
        if ended is not None:
            await self._after(call_id)

    async def _after(self, call_id: str) -> None:
        row = await self._db.read(credit.call_row(call_id))
        if row is not None:
            await self._ended(row["store_id"], row["session_id"])

    # ---- recovery ------------------------------------------------------------------------------

    async def sweep(self) -> int:
        """End orphaned support calls (no tick for `support_orphan_seconds`); how many this
        node ended."""
        now = self._clock.now()
        before = now - self._orphan
        done = 0
        for call_id in await self._db.read(credit.orphans(before)):
            if call_id in self._timers:
                continue  # ours and alive (its tick is late only on a stalled loop)
            if await self._end_orphan(call_id, now, before):
                done += 1
                await self._after(call_id)
        return done

    async def _end_orphan(self, call_id: str, now: float, before: float) -> bool:
        ended = await self._committer.commit(lambda fx: calls.end_orphan(fx, call_id, now, before))
        return ended is not None

    async def run(self) -> None:
        """Sweep at start, then every few seconds of the hub clock, forever."""
        every = min(rules.SWEEP_EVERY, self._orphan / 3)
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("could not end orphaned support calls; retrying")
            deadline = self._clock.now() + every
            while self._clock.now() < deadline:
                await self._clock.sleep_until(deadline)

    async def close(self) -> None:
        for task in list(self._timers.values()):
            task.cancel()
        for task in list(self._timers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
