"""The roster interface: entries that exist while their owner beats.

A roster key (`agents:<store>`, later `visitors:<store>`) holds fields, each with a small text
value and the hub-clock time it was last seen. Entries are put and beaten by the connection that
owns them and dropped when it closes; a sweeper on every node drops the ones not seen for a
while (their node may have died). `drop` says True to exactly one caller, across nodes, so the
change it makes is announced once.

A latch is a value per (key, field) with a version that grows only when the value changes:
`latch` tells exactly the caller that changed it, and the version orders announcements that
travel by different nodes.

Times are the hub clock's (FakeClock in tests), never Redis' own expiry.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol


class Latched(NamedTuple):
    value: str
    version: int
    changed: bool = False  # this call changed it


class Roster(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def put(self, key: str, field: str, value: str, seen_at: float) -> bool:
        """Set the entry and its time; True when the field was not there before."""
        ...

    async def drop(self, key: str, field: str, stale_before: float | None = None) -> bool:
        """Remove the entry; True for the one caller that removed it. With `stale_before`, only
        if it was last seen before then: a sweep does not drop an entry that beat meanwhile."""
        ...

    async def get(self, key: str, field: str) -> str | None:
        """One entry's value, or None."""
        ...

    async def all(self, key: str) -> dict[str, str]:
        """Every entry of `key`: field -> value."""
        ...

    async def stale(self, key: str, before: float) -> list[str]:
        """The fields of `key` last seen before `before`."""
        ...

    async def keys(self, prefix: str) -> list[str]:
        """The keys starting with `prefix` that hold entries."""
        ...

    async def latch(self, key: str, field: str, value: str, now: float) -> Latched:
        """Set the latch to `value`; its version grows (to at least `now` in milliseconds, so
        versions keep growing across restarts) only when the value changes."""
        ...

    async def latched(self, key: str, field: str) -> Latched | None:
        """The latch as it is, or None when never set."""
        ...


def next_version(old: int, now: float) -> int:
    return max(old + 1, int(now * 1000))
