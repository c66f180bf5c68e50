"""Revoked or expired credentials reach the connections already open with them, on every node.

A revocation is committed first (from then on no new request passes), then announced on the
credential's topic. Every connection opened with that credential watches the topic and, on a
notice, checks its credential against the directory again: a dead one ends the connection (or,
for a page, its link). A notice lost with the broker is made up for: the broker's MISSED after a
reconnection triggers the same check. An expiry needs no notice: the watch wakes at the deadline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from shared_protocol import ProtocolError

from ..broker.base import Broker
from ..clock import Clock
from ..domain.topics import Frame

log = logging.getLogger(__name__)

NOTICE = Frame("{}")  # the topic says which credential; the directory says whether it lives
Recheck = Callable[[], Awaitable[object]]  # raises ProtocolError when the credential is dead
OnDead = Callable[[ProtocolError], None]


class Revocations:
    def __init__(self, broker: Broker, clock: Clock) -> None:
        self._broker = broker
        self._clock = clock

    async def announce(self, topic: str) -> None:
        """After the revocation is committed: tell the connections that hold it, on any node."""
        try:
            await self._broker.publish(topic, NOTICE)
        except Exception:  # they re-check anyway when the broker is back (MISSED)
            log.warning("could not announce a revocation", extra={"topic": topic}, exc_info=True)

    def watch(
        self, topic: str, expires_at: float | None, recheck: Recheck, on_dead: OnDead
    ) -> Watch:
        return Watch(self._broker, self._clock, topic, expires_at, recheck, on_dead)


class Watch:
    """One open connection's credential, watched until `stop()` or until it dies (`on_dead` is
    called once)."""

    def __init__(
        self,
        broker: Broker,
        clock: Clock,
        topic: str,
        expires_at: float | None,
        recheck: Recheck,
        on_dead: OnDead,
    ) -> None:
        self._broker = broker
        self._clock = clock
        self._topic = topic
        self._recheck = recheck
        self._on_dead: OnDead | None = on_dead
        self._tasks: set[asyncio.Task[None]] = set()
        broker.subscribe(topic, self._heard)
        if expires_at is not None:
            self._spawn(self._expire_at(expires_at))

    def _heard(self, _: Frame | None) -> None:
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
        self._broker.unsubscribe(self._topic, self._heard)
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
