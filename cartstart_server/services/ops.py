"""What a hub admin watches: health, gauges, and the housekeeping that keeps the ledger small."""

from __future__ import annotations

import asyncio
import logging

from ..clock import Clock
from ..domain.commands import RETENTION_SECONDS
from ..storage import idempotency, outbox, queries
from ..storage.base import Database
from .metrics import HubMetrics

log = logging.getLogger(__name__)

TICKET_STATES = ("held", "purchased", "released", "expired", "revoked")


class Ops:
    def __init__(self, db: Database, clock: Clock, metrics: HubMetrics) -> None:
        self._db = db
        self._clock = clock
        self.metrics = metrics

    async def healthy(self) -> bool:
        """The database answers (raises if it does not)."""
        await self._db.read(outbox.stream_state("health"))
        return True

    async def render_metrics(self) -> bytes:
        counts = await self._db.read(queries.ticket_counts())
        for state in TICKET_STATES:
            self.metrics.tickets.labels(state).set(counts.get(state, 0))
        self.metrics.outbox_depth.set(await self._db.read(outbox.depth()))
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
