"""The roster (cartstart_server/ephemeral): in memory on SQLite hubs, in Redis on PostgreSQL
hubs. Entries, their times on the hub clock, exactly one winner for a drop, and the latch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from cartstart_server.ephemeral.base import Roster
from cartstart_server.ephemeral.memory import MemoryRoster
from cartstart_server.ephemeral.redis import RedisRoster

NOW = 1_800_000_000.0


@pytest.fixture
async def rosters(
    backend: str, backend_settings: dict[str, object]
) -> AsyncIterator[tuple[Roster, Roster]]:
    """Two handles on one roster, as two nodes hold it (the same dicts on one node)."""
    if backend == "sqlite":
        memory = MemoryRoster()
        yield memory, memory
        return
    url, prefix = str(backend_settings["redis_url"]), str(backend_settings["redis_prefix"])
    a, b = RedisRoster(url, prefix=prefix), RedisRoster(url, prefix=prefix)
    await a.start()
    await b.start()
    try:
        yield a, b
    finally:
        await a.stop()
        await b.stop()


async def test_entries_are_put_listed_and_dropped(rosters: tuple[Roster, Roster]) -> None:
    a, b = rosters
    assert await a.put("agents:s1", "ag1/c1", "ag1", NOW) is True
    assert await b.put("agents:s1", "ag1/c1", "ag1", NOW + 5) is False  # a beat: not new
    assert await a.put("agents:s1", "ag2/c2", "ag2", NOW) is True
    await a.put("agents:s2", "ag3/c3", "ag3", NOW)
    await a.put("visitors:s1", "v1", '{"url": "https://x.example/"}', NOW)
    assert await b.all("agents:s1") == {"ag1/c1": "ag1", "ag2/c2": "ag2"}
    assert await b.keys("agents:") == ["agents:s1", "agents:s2"]
    assert await a.drop("agents:s1", "ag2/c2") is True
    assert await b.drop("agents:s1", "ag2/c2") is False
    assert await b.all("agents:s1") == {"ag1/c1": "ag1"}
    assert await a.drop("agents:s2", "ag3/c3") is True
    assert await a.keys("agents:") == ["agents:s1"]  # an emptied key is no longer listed
    assert await a.all("agents:s2") == {}


async def test_stale_entries_are_the_ones_not_seen_since(rosters: tuple[Roster, Roster]) -> None:
    a, b = rosters
    await a.put("agents:s1", "old", "ag1", NOW)
    await a.put("agents:s1", "fresh", "ag2", NOW + 40)
    assert await b.stale("agents:s1", NOW + 1) == ["old"]
    assert await b.stale("agents:s1", NOW) == []  # seen exactly then: not before
    await b.put("agents:s1", "old", "ag1", NOW + 45)  # it beat
    assert await a.stale("agents:s1", NOW + 41) == ["fresh"]


async def test_a_sweep_does_not_drop_an_entry_that_beat_since_it_looked(
    rosters: tuple[Roster, Roster],
) -> None:
    a, b = rosters
    await a.put("agents:s1", "desk", "ag1", NOW)
    # At NOW + 46 the sweep looks for entries silent 45 s (seen before NOW + 1)...
    assert await b.stale("agents:s1", NOW + 1) == ["desk"]
    await a.put("agents:s1", "desk", "ag1", NOW + 46)  # ...the desk beats just then...
    assert await b.drop("agents:s1", "desk", NOW + 1) is False  # ...and is kept
    assert await b.all("agents:s1") == {"desk": "ag1"}
    assert await a.drop("agents:s1", "desk", NOW + 47) is True  # silent since: dropped


async def test_a_burst_of_callers_waits_for_connections_rather_than_failing(
    rosters: tuple[Roster, Roster],
) -> None:
    """More callers at once than the Redis pool has connections (5,000 pages reporting)."""
    a, _ = rosters
    await asyncio.gather(*(a.put("visitors:s1", f"v{n}", "x", NOW) for n in range(400)))
    assert len(await a.all("visitors:s1")) == 400


async def test_a_drop_is_won_by_exactly_one_caller(rosters: tuple[Roster, Roster]) -> None:
    a, b = rosters
    for n in range(20):
        await a.put("agents:s1", f"f{n}", "ag1", NOW)
    results = await asyncio.gather(
        *(r.drop("agents:s1", f"f{n}") for n in range(20) for r in (a, b, a))
    )
    assert sum(results) == 20
    assert await b.all("agents:s1") == {}


async def test_a_latch_tells_who_changed_it_and_its_version_grows(
    rosters: tuple[Roster, Roster],
) -> None:
    a, b = rosters
    assert await a.latched("talk", "s1") is None
    first = await a.latch("talk", "s1", "10", NOW)
    assert first.changed and first.value == "10" and first.version >= int(NOW * 1000)
    same = await b.latch("talk", "s1", "10", NOW + 1)
    assert not same.changed and same.version == first.version
    flips = await asyncio.gather(a.latch("talk", "s1", "11", NOW), b.latch("talk", "s1", "11", NOW))
    assert sorted(f.changed for f in flips) == [False, True]  # one caller flipped it
    flipped = await b.latched("talk", "s1")
    assert flipped is not None and flipped.value == "11" and flipped.version > first.version
    # A clock that went back (another node, a restart) still gets a higher version.
    back = await a.latch("talk", "s1", "10", NOW - 3600)
    assert back.changed and back.version == flipped.version + 1
