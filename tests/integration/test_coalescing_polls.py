"""Coalescing for pages that poll in a loop and pages that join in the middle of a window, on a
real hub (both backends) with a FakeClock that moves only when told."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import httpx

from cartstart_server.clock import FakeClock
from shared_protocol.cart import Release
from tests.helpers.hubs import command_id, new_shopper, seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually

from .test_coalescing import W, coalescing, counts_until, poll, reserve, settled, watching_pages


async def test_a_page_polling_in_a_loop_hears_a_busy_product_once_per_window(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    """Only long-polls follow the product: between two polls nobody does, and the node keeps
    the product (its window, its last count, its subscription) for the grace period."""
    async with (
        coalescing(tmp_path, clock, backend_settings) as server,
        httpx.AsyncClient(base_url=server.http_url) as http,
    ):
        store, _ = await seed_store(server.hub, "Shop", {"lamp": 50})
        key = (store, "lamp")
        shoppers = [await new_shopper(server.hub, f"s{n}@example.org") for n in range(6)]
        (start,) = await server.hub.carts.availability([key])

        waiting = asyncio.create_task(poll(http, key, start.version))
        await eventually(lambda: server.hub.fanout.followers(key) == 1, what="polling")
        assert await reserve(server, shoppers[0], key) == "ok"
        (first,) = await asyncio.wait_for(waiting, 5)  # the first change: at once
        assert first["available"] == 49

        # The page polls again at once; five more reservations, the clock never moving.
        waiting = asyncio.create_task(poll(http, key, first["version"]))
        await eventually(lambda: server.hub.fanout.followers(key) == 1, what="polling again")
        for s in shoppers[1:]:
            assert await reserve(server, s, key) == "ok"
        await settled(server, key)
        await asyncio.sleep(0.05)
        assert not waiting.done()  # held: not answered once per change
        clock.advance(W)
        assert [i["available"] for i in await asyncio.wait_for(waiting, 5)] == [44]


async def test_back_in_stock_reaches_a_polling_page_within_one_window(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    async with (
        coalescing(tmp_path, clock, backend_settings) as server,
        httpx.AsyncClient(base_url=server.http_url) as http,
    ):
        store, _ = await seed_store(server.hub, "Shop", {"lamp": 1})
        key = (store, "lamp")
        a, b = [await new_shopper(server.hub, f"s{n}@example.org") for n in range(2)]
        (start,) = await server.hub.carts.availability([key])
        waiting = asyncio.create_task(poll(http, key, start.version))
        await eventually(lambda: server.hub.fanout.followers(key) == 1, what="polling")
        assert await reserve(server, a, key) == "ok"
        (sold,) = await asyncio.wait_for(waiting, 5)
        assert sold["available"] == 0

        waiting = asyncio.create_task(poll(http, key, sold["version"]))
        await eventually(lambda: server.hub.fanout.followers(key) == 1, what="polling again")
        (ticket,) = (await server.hub.carts.snapshot(a.cart_id)).tickets
        await server.hub.carts.command(a, Release(id=command_id(), ticket_id=ticket.ticket_id))
        await settled(server, key)
        assert not waiting.done()  # back in stock within the window that began with sold
        clock.advance(W)  # ...held one window at most
        assert [i["available"] for i in await asyncio.wait_for(waiting, 5)] == [1]
        assert await reserve(server, b, key) == "ok"  # and it is really there


async def test_a_page_joining_in_the_middle_of_a_window_ends_on_the_final_count(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    async with coalescing(tmp_path, clock, backend_settings) as server, AsyncExitStack() as stack:
        store, _ = await seed_store(server.hub, "Shop", {"lamp": 20})
        key = (store, "lamp")
        shoppers = [await new_shopper(server.hub, f"s{n}@example.org") for n in range(5)]
        (early,) = await watching_pages(stack, server, key, 1)
        assert await reserve(server, shoppers[0], key) == "ok"
        assert [n for _, n in await counts_until(early, 19)] == [19]
        for s in shoppers[1:3]:  # held
            assert await reserve(server, s, key) == "ok"
        await settled(server, key)

        late = await stack.enter_async_context(peer(server, "page"))  # joins mid-window
        await late.hello()
        await late.send(
            {"type": "subscribe", "products": [{"store_id": store, "product_id": key[1]}]}
        )
        (snap,) = (await late.expect("availability_snapshot"))["items"]
        assert snap["available"] == 17  # the database's count, newer than the node's last send
        for s in shoppers[3:]:  # more changes within the same window
            assert await reserve(server, s, key) == "ok"
        await settled(server, key)
        clock.advance(W)
        assert [n for _, n in await counts_until(early, 15)] == [15]
        seen = await counts_until(late, 15)
        assert [n for _, n in seen] == [15] and seen[0][0] > snap["version"]
