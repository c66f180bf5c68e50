"""Coalescing versioned values per key (availability counts per product), as a pure rule.

A person reads a few updates a second; a flash sale makes hundreds of changes a second. Per key:
a change goes out at once when nothing went out for that key in the last `window` seconds;
otherwise it is held (the newest held value replaces an older one) and goes out when the window
that began with the last send ends, which starts the next window. A window runs from the end of
its send (`sent`): a write to thousands of sockets can outlast the window itself. Versions never
go back: a value not newer than one already sent or held is dropped. So the final value always
goes out, and any value (sold out, back in stock) waits at most one window after the last send
ended. `window` 0 sends every change at once.

No clock and no timers here: the caller passes `now` (a monotonic time: a wall clock stepped
back would hold values for the size of the step) and asks `due(now)` at `next_due()`. A `now`
before the last send (a clock that went back anyway) counts as the window having ended.

Held keys wait in a heap of (due, order, key) with lazy deletion: an offer and a wake-up cost
O(log held), not a scan of every held key (dues are not appended in order: a key sent earlier
can be held later).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class _State(Generic[V]):
    version: int  # the newest version sent or held
    sent_at: float  # when the last value went out: its window runs from there
    held: V | None = None  # the newest value waiting for the window to end


class Coalescer(Generic[K, V]):
    def __init__(self, window: float) -> None:
        self.window = window
        self._states: dict[K, _State[V]] = {}
        self._held: dict[K, float] = {}  # keys holding a value -> when it is due
        self._heap: list[tuple[float, int, K]] = []  # (due, order, key); stale entries skipped
        self._order = itertools.count()

    def offer(self, key: K, version: int, value: V, now: float) -> V | None:
        """A change heard: the value to send now, or None (held for later, or not newer)."""
        state = self._states.get(key)
        if state is None:
            self._states[key] = _State(version, now)
            return value
        if version <= state.version:
            return None
        state.version = version
        if self.window <= 0 or now < state.sent_at or now - state.sent_at >= self.window:
            state.sent_at = now
            state.held = None
            self._held.pop(key, None)
            return value
        state.held = value
        if key not in self._held:  # a newer value replaces the held one: same due time
            at = self._held[key] = state.sent_at + self.window
            heapq.heappush(self._heap, (at, next(self._order), key))
        return None

    def sent(self, key: K, took: float) -> None:
        """The send of `key` took `took` seconds: its window runs from the send's end. Writing
        a count to ten thousand sockets can outlast the window; a window started before it
        would be over by its end, the next change would go out at once, and so on: nothing
        would be coalesced just when it matters most."""
        state = self._states.get(key)
        if state is None or took <= 0:
            return
        state.sent_at += took
        if key in self._held:  # a value held meanwhile waits a whole window from the end
            at = self._held[key] = state.sent_at + self.window
            heapq.heappush(self._heap, (at, next(self._order), key))

    def _top(self) -> tuple[float, K] | None:
        while self._heap:
            at, _, key = self._heap[0]
            if self._held.get(key) == at:
                return at, key
            heapq.heappop(self._heap)  # sent, forgotten or re-held since: stale
        return None

    def next_due(self) -> float | None:
        """When the earliest held value is due (None: nothing held)."""
        top = self._top()
        return None if top is None else top[0]

    def due(self, now: float) -> list[tuple[K, V]]:
        """The held values whose window has ended, earliest due first; each starts a new
        window for its key."""
        out: list[tuple[K, V]] = []
        while (top := self._top()) is not None and top[0] <= now:
            heapq.heappop(self._heap)
            key = top[1]
            del self._held[key]
            state = self._states[key]
            if state.held is not None:
                out.append((key, state.held))
                state.held = None
                state.sent_at = now
        return out

    def version(self, key: K) -> int | None:
        """The newest version sent or held for `key` (None: nothing known of it)."""
        state = self._states.get(key)
        return None if state is None else state.version

    def forget(self, key: K) -> None:
        """Nobody follows `key` any more: drop what is known of it (its held value too)."""
        self._states.pop(key, None)
        self._held.pop(key, None)  # its heap entry goes stale

    def __len__(self) -> int:
        return len(self._states)
