"""The expiry scheduler: one wait for the next deadline, never a periodic scan.

It asks the ledger to process what is due and tell it the next deadline, sleeps until then, and
is woken early when a nearer deadline is created. At start it takes the next deadline from the
database, so a restarted hub expires exactly the tickets due, on their original deadlines.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from ..clock import Clock
from ..storage import expiry
from ..storage.sql import Effects, Plan
from .commits import Committer
from .metrics import HubMetrics

log = logging.getLogger(__name__)

# How long to back off after a failed pass (e.g. the database is briefly unavailable).
RETRY_DELAY = 1.0
BATCH = 500  # tickets expired (and warned) per transaction


class ExpiryScheduler:
    def __init__(
        self,
        process_due: Callable[[], Awaitable[float | None]],
        clock: Clock,
        *,
        recheck: float | None = None,
    ) -> None:
        self._process_due = process_due
        self._clock = clock
        # With several hub nodes on one database, deadlines created on another node are not
        # notified here: look again at least this often (the node that made them may be gone).
        self._recheck = recheck
        self._wake = asyncio.Event()
        self.armed_for: float | None = None
        self.passes = 0

    def notify(self, deadline: float) -> None:
        """A deadline was created; wake the scheduler if it is sooner than the one it waits for."""
        if self.armed_for is None or deadline < self.armed_for:
            self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                upcoming = await self._process_due()
            except Exception:
                log.exception("expiry pass failed; retrying")
                upcoming = self._clock.now() + RETRY_DELAY
            self.passes += 1
            if self._recheck is not None:
                latest = self._clock.now() + self._recheck
                upcoming = latest if upcoming is None else min(upcoming, latest)
            self.armed_for = upcoming
            if upcoming is None:
                await self._wake.wait()
            elif upcoming > self._clock.now():
                await self._sleep_or_wake(upcoming)

    async def _sleep_or_wake(self, deadline: float) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep_until(deadline))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Not `await task` under suppress(CancelledError): a cancellation of this task
            # arriving meanwhile would be swallowed with the waiter's, and the loop would sleep
            # on (Hub.stop() waited forever). asyncio.wait raises only our own cancellation.
            sleeper.cancel()
            waker.cancel()
            await asyncio.wait({sleeper, waker})


class Expiry:
    """One pass of the ledger's deadlines: expire what is due, warn what is close."""

    def __init__(self, committer: Committer, clock: Clock, metrics: HubMetrics) -> None:
        self._commit = committer.commit
        self._clock = clock
        self._metrics = metrics

    async def process_due(self) -> float | None:
        """Returns when to look again."""
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[tuple[int, int, float | None]]:
            expired, warned = yield from expiry.process_due(fx, now=now, limit=BATCH)
            upcoming = yield from expiry.next_deadline()
            return expired, warned, upcoming

        expired, warned, upcoming = await self._commit(plan)
        if expired:
            self._metrics.expiries.inc(expired)
            log.info("tickets expired", extra={"count": expired})
        # A full batch means more may be due already.
        return now if expired + warned >= BATCH else upcoming
