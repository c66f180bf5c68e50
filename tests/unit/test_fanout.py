"""ProductFanout (services/live.py) on the memory broker, a FakeClock and a database stand-in
that answers counts: the delivery around the rule (timers, sends, long-polls, forgetting)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from cartstart_server.broker.memory import MemoryBroker
from cartstart_server.clock import FakeClock
from cartstart_server.domain.topics import Frame, ProductKey, product_topic
from cartstart_server.services.live import ProductFanout
from cartstart_server.services.metrics import HubMetrics
from shared_protocol.common import Availability

W = 0.1
GRACE = 2.0  # max(2 s, 10 windows)
LAMP: ProductKey = ("s1", "lamp")
DESK: ProductKey = ("s1", "desk")


def frame(key: ProductKey, version: int, available: int) -> Frame:
    item = Availability(store_id=key[0], product_id=key[1], available=available, version=version)
    return Frame(item.model_dump_json(), version=version)


class Db:
    """The database's counts (what `carts.availability` would read), and how often it was read."""

    def __init__(self) -> None:
        self.counts: dict[ProductKey, tuple[int, int]] = {}  # key -> (version, available)
        self.reads = 0

    async def __call__(self, keys: list[ProductKey]) -> list[Availability]:
        self.reads += 1
        out = []
        for key in keys:
            version, available = self.counts.get(key, (0, 10))
            out.append(
                Availability(
                    store_id=key[0], product_id=key[1], available=available, version=version
                )
            )
        return out


class Rig:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.broker = MemoryBroker()
        self.db = Db()
        self.metrics = HubMetrics()
        self.fanout = ProductFanout(self.broker, self.db, clock, W, self.metrics)
        self.sent: list[tuple[str, int, int]] = []  # (product, version, available) written
        self.fanout.broadcast = self.write

    def write(self, conns: object, text: str) -> None:
        item = Availability.model_validate_json(text)
        self.sent.append((item.product_id, item.version, item.available))

    async def commit(self, key: ProductKey, version: int, available: int) -> None:
        self.db.counts[key] = (version, available)
        await self.broker.publish(product_topic(*key), frame(key, version, available))

    async def turn(self) -> None:
        for _ in range(5):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.turn()

    def versions(self, product: str = "lamp") -> list[int]:
        return [v for p, v, _ in self.sent if p == product]


@pytest.fixture
async def rig(clock: FakeClock) -> AsyncIterator[Rig]:
    r = Rig(clock)
    yield r
    await r.fanout.close()


async def test_a_wall_clock_stepped_back_does_not_hold_sold(rig: Rig) -> None:
    rig.fanout.add("conn", LAMP)
    await rig.commit(LAMP, 1, 2)
    await rig.turn()
    rig.clock.set(rig.clock.now() - 3600)  # NTP steps the wall clock back an hour
    await rig.commit(LAMP, 2, 0)  # sold, inside the window: held...
    await rig.turn()
    assert rig.versions() == [1]
    await rig.advance(W)  # ...for one window of monotonic time, not an hour
    assert rig.versions() == [1, 2]


async def test_the_first_change_is_written_after_the_publisher_s_turn(rig: Rig) -> None:
    rig.fanout.add("conn", LAMP)
    await rig.commit(LAMP, 1, 9)  # the commit's publish returns before any follower is written
    assert rig.sent == []
    await rig.turn()
    assert rig.versions() == [1]


async def test_a_failing_send_loses_no_other_product_s_count(rig: Rig) -> None:
    rig.fanout.add("conn", LAMP)
    rig.fanout.add("conn", DESK)
    failed: list[str] = []

    def flaky(conns: object, text: str) -> None:
        if '"lamp"' in text and '"version":2' in text and not failed:
            failed.append(text)
            raise RuntimeError("transport hiccup")
        rig.write(conns, text)

    rig.fanout.broadcast = flaky
    await rig.commit(LAMP, 1, 5)
    await rig.commit(DESK, 1, 7)
    await rig.turn()
    await rig.commit(LAMP, 2, 4)  # held
    await rig.commit(DESK, 2, 0)  # held: due in the same batch
    await rig.advance(W)
    assert failed and rig.versions("desk") == [1, 2]  # desk's sold went out all the same
    await rig.commit(LAMP, 3, 3)  # and the fan-out keeps working afterwards
    await rig.advance(W)
    assert rig.versions("lamp") == [1, 3]


async def test_several_products_held_each_go_out_when_their_own_window_ends(rig: Rig) -> None:
    got: list[tuple[float, str]] = []
    t0 = rig.clock.monotonic()

    def write(conns: object, text: str) -> None:
        item = Availability.model_validate_json(text)
        got.append((round(rig.clock.monotonic() - t0, 3), item.product_id))

    rig.fanout.broadcast = write
    rig.fanout.add("c", LAMP)
    rig.fanout.add("c", DESK)
    await rig.commit(DESK, 1, 5)  # desk sent at t0
    await rig.turn()
    await rig.advance(0.05)
    await rig.commit(LAMP, 1, 5)  # lamp sent at t0+.05
    await rig.commit(LAMP, 2, 4)  # lamp held: due t0+.15; the flush task sleeps for it
    await rig.turn()
    await rig.commit(DESK, 2, 0)  # while it sleeps, desk held: due t0+.10, earlier
    await rig.turn()
    await rig.advance(0.05)
    await rig.advance(0.05)
    assert got == [(0.0, "desk"), (0.05, "lamp"), (0.1, "desk"), (0.15, "lamp")]


async def test_a_change_arriving_while_the_flush_sleeps_replaces_the_held_one(rig: Rig) -> None:
    rig.fanout.add("c", LAMP)
    await rig.commit(LAMP, 1, 9)
    await rig.commit(LAMP, 2, 8)  # held: the flush task sleeps
    await rig.advance(W / 2)
    await rig.commit(LAMP, 3, 7)  # arrives while it sleeps: replaces the held value
    await rig.advance(W / 2)
    assert rig.versions() == [1, 3]


async def test_a_product_unfollowed_and_followed_again_while_held_keeps_its_window(
    rig: Rig,
) -> None:
    rig.fanout.add("a", LAMP)
    await rig.commit(LAMP, 1, 9)
    await rig.commit(LAMP, 2, 8)  # held
    rig.fanout.remove("a", LAMP)
    rig.fanout.add("b", LAMP)  # followed again within the grace period: nothing lost
    await rig.advance(W)
    assert rig.versions() == [1, 2]

    rig.fanout.remove("b", LAMP)
    await rig.commit(LAMP, 3, 7)  # heard while nobody follows: held like any other
    await rig.advance(GRACE)  # the grace period ends: forgotten, subscription dropped
    assert rig.fanout.kept() == 0 and rig.fanout.topics() == 0
    rig.fanout.add("c", LAMP)
    await rig.commit(LAMP, 4, 6)  # a first change again: at once
    await rig.turn()
    assert rig.versions() == [1, 2, 4]


async def test_a_poll_reads_the_database_after_subscribing(rig: Rig) -> None:
    """A frame older than the database (published before another commit's, delivered after)
    reaches the node just after it subscribed: a poll must not take it for the latest count."""
    rig.db.counts[LAMP] = (6, 4)
    rig.fanout.add("conn", LAMP)  # a WebSocket page subscribes (its snapshot: v6)
    await rig.broker.publish(product_topic(*LAMP), frame(LAMP, 5, 5))  # the late frame
    await rig.turn()
    assert rig.versions() == [5]
    items = await asyncio.wait_for(rig.fanout.changes({LAMP: 5}, 30, asyncio.Event()), 5)
    assert [(i.version, i.available) for i in items] == [(6, 4)]
    # Verified once: the next poll of the product is answered from the node's sends.
    reads = rig.db.reads
    assert await rig.fanout.changes({LAMP: 6}, 0.05, asyncio.Event()) == []
    assert rig.db.reads == reads + 1  # only the read when the wait ended


async def test_a_page_ahead_of_the_database_waits_then_gets_the_database_s_count(
    rig: Rig,
) -> None:
    """After a database restore a page may show a newer version than exists: it is answered
    `>` from the node (so it does not hot-loop) and by the database's read when the wait ends
    (so it does not wait forever), the same whether the node knew a count or not."""
    rig.db.counts[LAMP] = (50, 3)
    for follow in (False, True):
        if follow:
            rig.fanout.add("c", LAMP)
            await rig.commit(LAMP, 50, 3)
        asking = asyncio.create_task(rig.fanout.changes({LAMP: 100}, 0.3, asyncio.Event()))
        await asyncio.sleep(0.05)
        assert not asking.done(), follow
        assert [i.version for i in await asyncio.wait_for(asking, 5)] == [50]


async def test_changes_heard_counts_followed_products_only(rig: Rig) -> None:
    heard = rig.metrics.registry.get_sample_value
    rig.fanout.add("c", LAMP)
    await rig.commit(LAMP, 1, 9)
    rig.fanout.remove("c", LAMP)
    await rig.commit(LAMP, 2, 8)  # kept for the grace period, but nobody follows it
    rig.fanout.add("c", LAMP)
    rig.fanout._heard(product_topic(*LAMP), None)  # the broker lost frames: re-read, not heard
    await rig.turn()
    assert heard("cartstart_availability_changes_total") == 1


async def test_close_waits_for_the_tasks_it_ends(rig: Rig) -> None:
    rig.fanout.add("c", LAMP)
    await rig.commit(LAMP, 1, 9)
    await rig.commit(LAMP, 2, 8)  # held: a flush task sleeps
    rig.fanout.remove("c", LAMP)  # a sweep task sleeps
    await rig.turn()
    before = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
    assert before
    await rig.fanout.close()
    assert all(t.done() for t in before)


async def test_a_broadcast_longer_than_the_window_still_holds_the_next_change(rig: Rig) -> None:
    """Ten thousand sockets can take longer to write than the window: the window runs from the
    end of the write, so the change heard right after it is held, not sent at once again."""

    def slow_write(conns: object, text: str) -> None:
        rig.write(conns, text)
        rig.clock.advance(2 * W)  # the write itself took two windows

    rig.fanout.broadcast = slow_write
    rig.fanout.add("c", LAMP)
    await rig.commit(LAMP, 1, 9)
    await rig.turn()
    await rig.commit(LAMP, 2, 8)  # heard just after the write ended
    await rig.turn()
    assert rig.versions() == [1]
    await rig.advance(W)
    assert rig.versions() == [1, 2]
