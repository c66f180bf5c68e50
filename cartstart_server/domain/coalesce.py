"""Coalescing versioned values per key (availability counts per product), as a pure rule.

A person reads a few updates a second; a flash sale makes hundreds of changes a second. Per key:
a change goes out at once when nothing went out for that key in the last `window` seconds;
otherwise it is held (the newest held value replaces an older one) and goes out when the window
that began with the last send ends, which starts the next window. Versions never go back: a value
not newer than one already sent or held is dropped. So the final value always goes out, and any
value (sold out, back in stock) waits at most one window. `window` 0 sends every change at once.

No clock and no timers here: the caller passes `now` (the hub's clock) and asks `due(now)` at
`next_due()`.
"""

from __future__ import annotations

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

    def offer(self, key: K, version: int, value: V, now: float) -> V | None:
        """A change heard: the value to send now, or None (held for later, or not newer)."""
        state = self._states.get(key)
        if state is None:
            self._states[key] = _State(version, now)
            return value
        if version <= state.version:
            return None
        state.version = version
        if self.window <= 0 or now - state.sent_at >= self.window:
            state.sent_at = now
            state.held = None
            self._held.pop(key, None)
            return value
        state.held = value
        self._held[key] = state.sent_at + self.window
        return None

    def next_due(self) -> float | None:
        """When the earliest held value is due (None: nothing held)."""
        return min(self._held.values(), default=None)

    def due(self, now: float) -> list[tuple[K, V]]:
        """The held values whose window has ended, in the order they were held; each starts a
        new window for its key."""
        out: list[tuple[K, V]] = []
        for key, at in list(self._held.items()):
            if at > now:
                continue
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
        self._held.pop(key, None)

    def __len__(self) -> int:
        return len(self._states)
