"""Time as a parameter: the hub reads the time and sleeps only through a Clock, so tests drive
expiry with a FakeClock, exactly and without waiting."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol

# Wall-clock sleeps are capped so a clock step (NTP, suspend) is noticed within this many seconds.
MAX_SLEEP = 30.0


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch (deadlines are persisted, so this is wall time)."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin, never going back: for intervals kept in memory
        (a wall clock stepped back by NTP would stretch them by the size of the step)."""
        ...

    async def sleep_until(self, deadline: float) -> None:
        """Sleep until `deadline` or a little earlier; callers re-check `now()` and loop."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep_until(self, deadline: float) -> None:
        await asyncio.sleep(min(max(0.0, deadline - time.time()), MAX_SLEEP))


class FakeClock:
    """A clock that moves only when told to. `advance()` wakes every sleeper whose time has come
    and moves the monotonic time too; `set()` is a step of the wall clock only (as NTP makes)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._monotonic = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    async def sleep_until(self, deadline: float) -> None:
        if deadline <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._order), future))
        await future

    def advance(self, seconds: float) -> None:
        self._monotonic += max(0.0, seconds)
        self.set(self._now + seconds)

    def set(self, now: float) -> None:
        self._now = now
        while self._sleepers and self._sleepers[0][0] <= now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
