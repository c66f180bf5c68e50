"""Revoked, replaced or expired credentials reach the connections already open with them, on
every node, and when the command line revoked them beside a running hub.

A revocation is committed together with a row of the revocation journal (from then on no new
request passes). The process that revoked tells its own connections at once; every hub process
reads the journal a few times a second and tells its connections what it finds there. A
connection that hears of its credential checks it against the directory again: a dead one ends
the connection (or, for a page, its link). An expiry needs no notice: the watch wakes at the
deadline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from shared_protocol import ProtocolError

from ..clock import Clock
from ..storage import revocations as journal
from ..storage.base import Database
from ..storage.sql import Plan

log = logging.getLogger(__name__)

READ_EVERY = 0.25  # seconds between reads of the journal: well within the promised second
KEEP_FOR = 24 * 3600.0  # journal rows older than this are pruned
Recheck = Callable[[], Awaitable[object]]  # raises ProtocolError when the credential is dead
OnDead = Callable[[ProtocolError], None]


class Revocations:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._watches: dict[str, set[Watch]] = {}
        self._last_read = 0

    def recorded(self, topics: Iterable[str]) -> Plan[None]:
        """The journal's rows for `topics`: written in the revocation's own transaction."""
        return journal.record(list(topics), self._clock.now())

    def told(self, topics: Iterable[str]) -> None:
        """After the commit: this process's connections hear of it at once."""
        for topic in topics:
            for watch in list(self._watches.get(topic, ())):
                watch.heard()

    def watch(
        self, topic: str, expires_at: float | None, recheck: Recheck, on_dead: OnDead
    ) -> Watch:
        watch = Watch(self, self._clock, topic, expires_at, recheck, on_dead)
        self._watches.setdefault(topic, set()).add(watch)
        return watch

    def _forget(self, watch: Watch) -> None:
        watches = self._watches.get(watch.topic)
        if watches is not None:
            watches.discard(watch)
            if not watches:
                del self._watches[watch.topic]

    async def run(self) -> None:
        """Read the journal for what other processes revoked, forever."""
        self._last_read = await self._db.read(journal.newest())  # the past is not news
        pruned_at = self._clock.now()
        while True:
            await asyncio.sleep(READ_EVERY)
            try:
                self._last_read, topics = await self._db.read(journal.after(self._last_read))
                self.told(topics)
                if self._clock.now() - pruned_at > 3600:
                    pruned_at = self._clock.now()
                    await self._db.write(journal.prune(pruned_at - KEEP_FOR))
            except Exception:
                log.exception("could not read the revocation journal; retrying")


class Watch:
    """One open connection's credential, watched until `stop()` or until it dies (`on_dead` is
    called once)."""

    def __init__(
        self,
        owner: Revocations,
        clock: Clock,
        topic: str,
        expires_at: float | None,
        recheck: Recheck,
        on_dead: OnDead,
    ) -> None:
        self._owner = owner
        self._clock = clock
        self.topic = topic
        self._recheck = recheck
        self._on_dead: OnDead | None = on_dead
        self._tasks: set[asyncio.Task[None]] = set()
        if expires_at is not None:
            self._spawn(self._expire_at(expires_at))

    def heard(self) -> None:
        """The credential may have been revoked: check it."""
        self._spawn(self._check())

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _expire_at(self, deadline: float) -> None:
        while self._clock.now() < deadline:
            await self._clock.sleep_until(deadline)
        await self._check()

    async def _check(self) -> None:
        try:
            await self._recheck()
        except ProtocolError as exc:
            on_dead, self._on_dead = self._on_dead, None
            self.stop()
            if on_dead is not None:
                on_dead(exc)
        except Exception:
            log.exception("could not re-check a credential")

    def stop(self) -> None:
        self._owner._forget(self)
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
