"""What a hub admin watches: health, gauges, and the housekeeping that keeps the ledger small."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence

from shared_protocol import ProtocolError

from ..broker.base import Broker
from ..clock import Clock
from ..domain.commands import RETENTION_SECONDS
from ..storage import idempotency, outbox, queries
from ..storage.base import Database
from .metrics import HubMetrics

log = logging.getLogger(__name__)

TICKET_STATES = ("held", "purchased", "released", "expired", "revoked")
DAY = 86400.0
FIRST_DAILY = 600.0  # seconds after start: a hub restarted every day still runs its daily jobs

Job = Callable[[], Awaitable[object]]
HEALTH_TIMEOUT = 3.0  # a database that takes longer to answer one read counts as down


def next_daily(due: float, started: float) -> float:
    """The schedule's next slot after a run that began at `started` (on or after `due`): a day
    on, counted from the schedule and the run's start, so neither the run's own length nor a
    clock that moved while it ran shifts the schedule, and days missed while the hub was stopped
    are run once, not once each."""
    return due + DAY * (math.floor((started - due) / DAY) + 1)


class Ops:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        metrics: HubMetrics,
        daily: Sequence[Job] = (),
        broker: Broker | None = None,
    ) -> None:
        self._db = db
        self._broker = broker
        self._clock = clock
        self.metrics = metrics
        self._daily = tuple(daily)

    async def healthy(self) -> bool:
        """The database answers (raises if it does not)."""
        await self._db.read(outbox.stream_state("health"))
        return True

    async def health(self) -> dict[str, str]:
        """What works, in words: `status` is `ok`, `degraded` (the broker is away: this node
        serves its own clients, and they catch up with other nodes when it is back) or
        `unavailable` (the database is away: nothing can be served)."""
        database = "ok"
        try:
            await asyncio.wait_for(self.healthy(), HEALTH_TIMEOUT)
        except TimeoutError:
            database = f"down: no answer within {HEALTH_TIMEOUT:g} s"
        except ProtocolError as exc:
            database = f"down: {exc.message}"
        except Exception as exc:  # a fault is not an outage, but this node serves nothing now
            database = f"failing: {exc.__class__.__name__}"
        broker = "ok"
        if self._broker is not None and not self._broker.connected():
            broker = "down: other nodes do not hear this one; its clients catch up when it is back"
        self.metrics.up.labels("database").set(database == "ok")
        self.metrics.up.labels("broker").set(broker == "ok")
        status = "ok" if database == broker == "ok" else "degraded"
        if database != "ok":
            status = "unavailable"
        return {"status": status, "database": database, "broker": broker}

    async def render_metrics(self) -> bytes:
        """The gauges read from the database are refreshed when it answers; during an outage
        the scrape still answers (with their last values and cartstart_up{part} at 0)."""
        if (await self.health())["database"] == "ok":
            try:
                counts = await self._db.read(queries.ticket_counts())
                for state in TICKET_STATES:
                    self.metrics.tickets.labels(state).set(counts.get(state, 0))
                self.metrics.outbox_depth.set(await self._db.read(outbox.depth()))
            except ProtocolError:
                pass  # it went away between the two reads: the last values stay
        return self.metrics.render()

    async def maintain(self, every: float = 3600.0) -> None:
        """Forget command results older than their retention, forever."""
        while True:
            await asyncio.sleep(every)
            cutoff = self._clock.now() - RETENTION_SECONDS
            try:
                pruned = await self._db.write(idempotency.prune(cutoff))
                log.info("pruned idempotency keys", extra={"count": pruned})
            except Exception:
                log.exception("maintenance failed")

    async def run_daily(self) -> None:
        """The daily jobs (the presence history's retention purge), on the hub's clock: the
        first `FIRST_DAILY` seconds after start, then every day. With several nodes each runs
        them; they delete what is due, so a second run finds nothing."""
        due = self._clock.now() + FIRST_DAILY
        while True:
            while self._clock.now() < due:
                await self._clock.sleep_until(due)
            started = self._clock.now()
            for job in self._daily:
                try:
                    await job()
                except Exception:
                    log.exception("daily maintenance failed")
            due = next_daily(due, started)
