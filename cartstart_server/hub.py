"""The composition root: one hub's storage, broker and services, built and started together.

Everything is wired here and only here. Transports are handed the services they use (see
server.py); the command line and tests hold a `Hub` and call its services directly.
"""

from __future__ import annotations

import asyncio
import io
import logging

from .broker.base import Broker
from .clock import Clock
from .config import HubConfig
from .ephemeral.base import Roster
from .ephemeral.memory import MemoryRoster
from .services.agents import Agents
from .services.availability import Availability
from .services.boards import Boards
from .services.busy import Busy
from .services.calls import Calls
from .services.carts import Carts
from .services.claims import Claims
from .services.commits import Committer
from .services.conversations import Conversations
from .services.drafts import Drafts
from .services.expiry import Expiry, ExpiryScheduler
from .services.forms import Forms
from .services.hub_admin import HubAdmin
from .services.identity import Identity
from .services.live import ProductFanout
from .services.market import Market
from .services.metrics import HubMetrics
from .services.ops import Ops
from .services.orders import Orders
from .services.origins import OriginPolicy
from .services.outbound import OutboundDispatcher
from .services.presence import Presence
from .services.ratings import RatingsView
from .services.revocation import Revocations
from .services.selling import Selling
from .services.solutions import Solutions
from .services.store_requests import StoreRequests
from .services.stores import Stores
from .services.streams import Streams
from .services.support import Support
from .services.visit_log import VisitLog
from .storage import directory
from .storage.base import Database

log = logging.getLogger(__name__)

# Seconds stop() waits for the cancelled background tasks. They end within a few event-loop
# iterations; one that does not has lost its cancellation (a bug, logged with its stack), and
# shutting down goes on without it rather than waiting forever.
STOP_GRACE = 10.0


def roster_for(config: HubConfig) -> Roster:
    """Redis when several nodes share it (the broker's Redis), else this process's memory."""
    if config.redis_url:
        from .ephemeral.redis import RedisRoster  # redis only when asked for

        return RedisRoster(config.redis_url, prefix=config.redis_prefix)
    return MemoryRoster()


class Hub:
    def __init__(
        self,
        db: Database,
        broker: Broker,
        clock: Clock,
        config: HubConfig,
        roster: Roster | None = None,
    ) -> None:
        self.db = db
        self.broker = broker
        self.roster = roster if roster is not None else roster_for(config)
        self.clock = clock
        self.config = config
        self.metrics = HubMetrics()
        self.committer = Committer(db, broker, self.metrics, lambda t: self.scheduler.notify(t))
        self.expiry = Expiry(self.committer, clock, self.metrics)
        # One database shared by several nodes: each scheduler also looks every 2 s.
        shared = config.database_url is not None
        self.scheduler = ExpiryScheduler(
            self.expiry.process_due, clock, recheck=2.0 if shared else None
        )
        self.origins = OriginPolicy(lambda: db.read(directory.all_origins()))
        self.outbound = OutboundDispatcher(db, clock, config, self.metrics)
        queued = self.outbound.wake
        self.revocations = Revocations(db, clock)
        self.identity = Identity(db, clock, config, self.revocations)
        self.agents = Agents(db, clock, config, self.revocations, self.identity, queued)
        self.carts = Carts(self.committer, db, clock, config, self.metrics, self.origins, queued)
        self.stores = Stores(self.committer, db, clock, config, self.metrics, self.origins, queued)
        self.orders = Orders(self.committer, db, clock, queued)
        self.solutions = Solutions(
            self.committer, db, clock, config, queued, rates=lambda: self.market.rates
        )
        self.store_requests = StoreRequests(self.committer, db, clock, queued)
        # Counts to pages and carts, coalesced per product (WebSockets and long-polls alike).
        self.fanout = ProductFanout(
            broker, self.carts.availability, clock, config.fanout_window, self.metrics
        )
        self.streams = Streams(db, broker, self.fanout)
        self.drafts = Drafts(self.committer, clock, config, self.origins, self.streams)
        self.selling = Selling(self.committer, db, clock, config, queued)
        self.boards = Boards(self.committer, db, clock, config)
        self.availability = Availability(db, self.roster, broker, clock)
        self.busy = Busy(db, self.roster, broker, clock)

        async def team_changed(store_id: str, agent_id: str) -> None:
            await self.availability.team_changed(store_id, agent_id)
            await self.busy.team_changed(store_id, agent_id)

        self.agents.on_team_changed = team_changed
        self.support = Support(self.committer, db, clock)
        self.calls = Calls(
            self.committer,
            db,
            clock,
            config,
            self.availability.available_agents,
            self.support,
            queued,
        )
        self.calls.on_calls_changed = self.busy.changed
        self.selling.on_deleted = self.busy.changed
        self.conversations = Conversations(self.committer, db, clock)
        self.ratings = RatingsView(db)
        self.forms = Forms(self.committer, clock)
        self.visits = VisitLog(db, clock, self.metrics)
        country_of = None
        if config.geoip_database is not None:
            from .services.geoip import country_lookup  # maxminddb only when asked for

            country_of = country_lookup(config.geoip_database)
        self.presence = Presence(
            db, self.roster, broker, clock, self.visits, self.origins, self.availability,
            country_of, metrics=self.metrics,
        )  # fmt: skip
        self.claims = Claims(
            self.committer, db, clock, self.availability, self.presence, self.calls
        )
        self.agents.on_conversations_freed = self.claims.freed
        self.ops = Ops(db, clock, self.metrics, daily=[self.visits.purge_expired])
        # The marketplace's search index: in the data directory beside SQLite; in memory on
        # each node that shares PostgreSQL (rebuilt from it at start anyway).
        index_dir = None if config.database_url else config.data_dir / "market-index"
        self.market = Market(db, clock, index_dir)
        self.hub_admin = HubAdmin(db, clock)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, *, background: bool = True) -> None:
        """Open storage and the broker; with `background`, also run expiry, deliveries and
        maintenance (a command-line tool working on a live hub's database leaves those to the
        hub)."""
        await self.db.open()
        await self.broker.start()
        await self.roster.start()
        await self.presence.start()
        if not background:
            return
        self._tasks.append(asyncio.create_task(self.scheduler.run(), name="expiry"))
        self._tasks.append(asyncio.create_task(self.ops.maintain(), name="maintenance"))
        self._tasks.append(asyncio.create_task(self.ops.run_daily(), name="daily"))
        self._tasks.append(asyncio.create_task(self.visits.run(), name="visit-log"))
        self._tasks.append(asyncio.create_task(self.outbound.run(), name="outbound"))
        self._tasks.append(asyncio.create_task(self.revocations.run(), name="revocations"))
        self._tasks.append(asyncio.create_task(self.availability.run(), name="availability"))
        self._tasks.append(asyncio.create_task(self.presence.run(), name="presence"))
        self._tasks.append(asyncio.create_task(self.calls.support.run(), name="support-calls"))
        await self.market.start()
        self._tasks.append(asyncio.create_task(self.market.run(), name="market-index"))

    @property
    def background_tasks(self) -> tuple[asyncio.Task[None], ...]:
        """Expiry, maintenance (hourly and daily), deliveries, the revocation journal, the
        presence history's batches and the sweepers of silent workspaces and visitors, while running."""
        return tuple(self._tasks)

    async def stop(self, *, grace: float = STOP_GRACE) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            # asyncio.wait, not `await task` under suppress(CancelledError): that would also
            # swallow a cancellation of stop() itself, and it waits forever for a stuck task.
            done, stuck = await asyncio.wait(tasks, timeout=grace)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.error(
                        "background task failed",
                        extra={"task": task.get_name()},
                        exc_info=task.exception(),
                    )
            for task in stuck:
                stack = io.StringIO()
                task.print_stack(file=stack)
                log.error(
                    f"background task {task.get_name()!r} did not end within {grace} s of "
                    f"being cancelled; closing without it\n{stack.getvalue()}"
                )
        self.fanout.close()
        await self.calls.close()
        await self.market.close()
        await self.presence.stop()
        await self.visits.close()  # the last batch of presence history
        await self.roster.stop()
        await self.broker.stop()
        await self.db.close()
