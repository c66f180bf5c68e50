"""Availability coalesced per product (services/live.py with domain/coalesce.py), end to end:
WebSocket pages, long-polling pages and carts, on one node and on two.

The hub runs on the FakeClock with a window of W: a burst made while the clock stands still goes
out as its first count (at once) and its last (once the test moves the clock by W). Before the
clock moves, each test waits until the node has heard the burst's last count, so what it then
sees is the rule's doing, not the broker's timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.services.identity import Shopper
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.cart import Release, Reserve
from tests.helpers.hubs import command_id, hub_config, new_shopper, seed_store
from tests.helpers.peers import Peer, peer, sign_up
from tests.helpers.services import start_redis, stop_redis
from tests.helpers.waiting import eventually, free_port

W = 0.1  # the window: moved past by hand on the FakeClock
Key = tuple[str, str]


@asynccontextmanager
async def coalescing(
    path: Path, clock: FakeClock, settings: dict[str, object]
) -> AsyncIterator[HubServer]:
    async with HubServer(hub_config(path, fanout_window=W, **settings), clock=clock) as srv:
        yield srv


def frames(server: HubServer, to: str) -> float:
    """The fan-out's frames so far: written to sockets (`socket`) or long-polls woken (`poll`)."""
    value = server.hub.metrics.registry.get_sample_value(
        "cartstart_fanout_frames_total", {"to": to}
    )
    return value or 0.0


async def settled(server: HubServer, key: Key, within: float = 10) -> None:
    """Wait until the node has heard the product's latest count (sent or held)."""
    (level,) = await server.hub.carts.availability([key])
    heard = server.hub.fanout.heard
    await eventually(lambda: heard(key) == level.version, within=within, what="heard")


async def reserve(server: HubServer, shopper: Shopper, key: Key) -> str:
    cmd = Reserve(id=command_id(), store_id=key[0], product_id=key[1])
    try:
        await server.hub.carts.command(shopper, cmd)
        return "ok"
    except ProtocolError as exc:
        return exc.code.value


async def watching_pages(stack: AsyncExitStack, server: HubServer, key: Key, n: int) -> list[Peer]:
    pages = []
    for _ in range(n):
        page = await stack.enter_async_context(peer(server, "page"))
        await page.hello()
        ref = {"store_id": key[0], "product_id": key[1]}
        await page.send({"type": "subscribe", "products": [ref]})
        await page.expect("availability_snapshot")
        pages.append(page)
    return pages


async def poll(http: httpx.AsyncClient, key: Key, version: int, wait: float = 10) -> list[Any]:
    known = [{"store_id": key[0], "product_id": key[1], "version": version}]
    r = await http.post("/api/page/poll", json={"products": known, "wait": wait}, timeout=20)
    assert r.status_code == 200, r.text
    items: list[Any] = r.json()["items"]
    return items


async def poll_until(http: httpx.AsyncClient, key: Key, version: int, available: int) -> list[int]:
    """A polling page's loop until it shows `available`: the counts it was given, in order."""
    seen: list[int] = []
    while not seen or seen[-1] != available:
        for item in await poll(http, key, version):
            assert item["version"] > version  # never goes back
            version = item["version"]
            seen.append(item["available"])
    return seen


async def counts_until(page: Peer, available: int) -> list[tuple[int, int]]:
    """The (version, available) frames a WebSocket follower gets until it shows `available`."""
    seen: list[tuple[int, int]] = []
    while not seen or seen[-1][1] != available:
        frame = await page.expect("availability")
        seen.append((frame["version"], frame["available"]))
    return seen


async def test_a_burst_reaches_pages_and_carts_as_its_first_and_last_count(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    async with coalescing(tmp_path, clock, backend_settings) as server, AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=server.http_url))
        store, _ = await seed_store(server.hub, "Shop", {"lamp": 50})
        key = (store, "lamp")
        others = [await new_shopper(server.hub, f"s{n}@example.org") for n in range(10)]
        pages = await watching_pages(stack, server, key, 3)
        alice = await sign_up(http, "alice@example.org")
        cart = await stack.enter_async_context(peer(server, "cart"))
        await cart.hello(alice.token)
        await cart.expect("snapshot")

        # The cart's own reply and item_added come at once (the clock never moves here).
        reply = await cart.command(
            {"type": "reserve", "id": "co-000001", "store_id": store, "product_id": "lamp"}
        )
        assert reply["type"] == "result", reply
        assert (await cart.expect("item_added"))["ticket"]["product_id"] == "lamp"
        # The first change after a quiet window goes out at once.
        for page in pages:
            assert [n for _, n in await counts_until(page, 49)] == [49]
        first = await server.hub.carts.availability([key])
        waiting = asyncio.create_task(poll(http, key, first[0].version))
        await eventually(lambda: server.hub.fanout.followers(key) == 5, what="5 followers")
        written = frames(server, "socket")

        # Ten more within the window: held, nobody written to, no long-poll woken.
        assert (await asyncio.gather(*(reserve(server, s, key) for s in others))) == ["ok"] * 10
        await settled(server, key)
        assert frames(server, "socket") == written and frames(server, "poll") == 0
        assert not waiting.done()
        # A page ahead of what this node sent (it read a newer count elsewhere) waits for the
        # window too, rather than being answered from the database at every poll.
        ahead = asyncio.create_task(poll(http, key, first[0].version + 5))
        await eventually(lambda: server.hub.fanout.followers(key) == 6, what="6 followers")

        clock.advance(W)  # the window ends: the last count, and only it, goes out
        (item,) = await asyncio.wait_for(waiting, 5)
        assert item["available"] == 39
        assert [i["available"] for i in await asyncio.wait_for(ahead, 5)] == [39]
        assert frames(server, "poll") == 2  # both long-polls woken once, by the window's end
        for page in pages:
            assert [n for _, n in await counts_until(page, 39)] == [39]
        # The cart: what its hold left (read once as it starts following, and maybe the first
        # send too, when the broker is slower than that read), then the last count only.
        seen = await counts_until(cart, 39)
        assert {n for _, n in seen} == {49, 39} and seen == sorted(seen, key=lambda f: f[0])

        # The next change after a quiet window goes at once again.
        clock.advance(W)
        assert await reserve(server, others[0], key) == "ok"
        for page in pages:
            assert [n for _, n in await counts_until(page, 38)] == [38]

    # Nobody follows anything any more: nothing is kept of the product.
    assert server.hub.fanout.kept() == 0


async def test_sold_out_and_back_in_stock_are_held_at_most_one_window(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    async with coalescing(tmp_path, clock, backend_settings) as server, AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=server.http_url))
        store, _ = await seed_store(server.hub, "Shop", {"lamp": 3})
        key = (store, "lamp")
        shoppers = [await new_shopper(server.hub, f"s{n}@example.org") for n in range(3)]
        (page,) = await watching_pages(stack, server, key, 1)
        start = (await server.hub.carts.availability([key]))[0].version
        polling = asyncio.create_task(poll_until(http, key, start, 0))
        for s in shoppers:  # 2, 1, then sold: the first at once, sold held
            assert await reserve(server, s, key) == "ok"
        await settled(server, key)
        clock.advance(W)
        assert [n for _, n in await counts_until(page, 0)] == [2, 0]
        assert (await asyncio.wait_for(polling, 5))[-1] == 0

        # Back in stock within the window that began with "sold": held, then sent at its end.
        (ticket,) = (await server.hub.carts.snapshot(shoppers[0].cart_id)).tickets
        await server.hub.carts.command(
            shoppers[0], Release(id=command_id(), ticket_id=ticket.ticket_id)
        )
        await settled(server, key)
        clock.advance(W)
        assert [n for _, n in await counts_until(page, 1)] == [1]


@pytest.mark.backends("postgres")  # two nodes share PostgreSQL and Redis
async def test_pages_on_two_nodes_see_the_final_count_and_sold(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    async with (
        coalescing(tmp_path / "a", clock, backend_settings) as a,
        coalescing(tmp_path / "b", clock, backend_settings) as b,
        AsyncExitStack() as stack,
    ):
        store, _ = await seed_store(a.hub, "Shop", {"lamp": 10})
        key = (store, "lamp")
        shoppers = [await new_shopper(a.hub, f"s{n}@example.org") for n in range(12)]
        start = (await a.hub.carts.availability([key]))[0].version
        pages, polls = [], []
        for node in (a, b):
            pages += await watching_pages(stack, node, key, 2)
            http = await stack.enter_async_context(httpx.AsyncClient(base_url=node.http_url))
            polls.append(asyncio.create_task(poll_until(http, key, start, 0)))
        outcomes = await asyncio.gather(
            *(reserve((a, b)[n % 2], s, key) for n, s in enumerate(shoppers))
        )
        assert outcomes.count("ok") == 10
        assert outcomes.count(ErrorCode.INSUFFICIENT_STOCK.value) == 2
        await settled(a, key)
        await settled(b, key)
        clock.advance(W)
        for page in pages:
            seen = await counts_until(page, 0)  # sold, on both nodes
            assert len(seen) <= 3 and [v for v, _ in seen] == sorted({v for v, _ in seen})
        for polling in polls:
            assert (await asyncio.wait_for(polling, 5))[-1] == 0


async def test_1000_concurrent_reservations_for_10_units_every_page_ends_at_0(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    async with coalescing(tmp_path, clock, backend_settings) as server, AsyncExitStack() as stack:
        http = await stack.enter_async_context(
            httpx.AsyncClient(base_url=server.http_url, limits=httpx.Limits(max_connections=40))
        )
        store, _ = await seed_store(server.hub, "Shop", {"drop": 10})
        key = (store, "drop")
        shoppers = [await new_shopper(server.hub, f"s{n}@example.org") for n in range(40)]
        pages = await watching_pages(stack, server, key, 20)
        start = (await server.hub.carts.availability([key]))[0].version
        polls = [asyncio.create_task(poll_until(http, key, start, 0)) for _ in range(20)]

        # 1,000 reservations at once: 25 from each of 40 carts (a repeat pick grows the ticket).
        outcomes = await asyncio.gather(
            *(reserve(server, shoppers[n % 40], key) for n in range(1000))
        )
        assert outcomes.count("ok") == 10
        assert outcomes.count(ErrorCode.INSUFFICIENT_STOCK.value) == 990
        snapshot = await server.hub.stores.snapshot(store)
        assert sum(t.qty for t in snapshot.tickets) == 10

        await settled(server, key)
        clock.advance(W)
        for page in pages:
            seen = await counts_until(page, 0)
            assert len(seen) <= 2 and seen == sorted(seen)  # the first count, then sold
        for polling in polls:
            assert (await asyncio.wait_for(polling, 5))[-1] == 0
        assert frames(server, "socket") <= 2 * 20


@pytest.mark.backends("postgres")  # a Redis of its own, restarted under the hub
async def test_counts_read_again_after_a_broker_outage_go_through_the_same_rule(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    port, directory = free_port(), tmp_path / "redis"
    directory.mkdir()
    start_redis(directory, port)
    settings = {**backend_settings, "redis_url": f"redis://127.0.0.1:{port}/0"}
    try:
        async with (
            coalescing(tmp_path / "hub", clock, settings) as server,
            AsyncExitStack() as stack,
        ):
            store, _ = await seed_store(server.hub, "Shop", {"lamp": 10})
            key = (store, "lamp")
            shoppers = [await new_shopper(server.hub, f"s{n}@example.org") for n in range(3)]
            (page,) = await watching_pages(stack, server, key, 1)
            assert await reserve(server, shoppers[0], key) == "ok"
            assert [n for _, n in await counts_until(page, 9)] == [9]
            written = frames(server, "socket")
            stop_redis(port)
            for s in shoppers[1:]:  # committed, but the broker cannot carry them
                assert await reserve(server, s, key) == "ok"
            start_redis(directory, port)
            # Back on Redis, the node reads the count again (MISSED) within the window that
            # began with the last send: held like any other change, then sent at its end.
            await settled(server, key, within=20)
            assert frames(server, "socket") == written
            clock.advance(W)
            assert [n for _, n in await counts_until(page, 7)] == [7]
    finally:
        stop_redis(port)
