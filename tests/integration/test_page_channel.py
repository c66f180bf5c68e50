"""Pages hear availability live, over a WebSocket or by polling, with or without a cart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from cartstart_server.clock import FakeClock, SystemClock
from cartstart_server.server import HubServer
from shared_protocol.store import AdjustStock
from tests.helpers.hubs import command_id, hub_config, seed_store
from tests.helpers.peers import peer, sign_up


@pytest.fixture(params=[0.0, 0.05], ids=["per-change", "window-0.05"])
async def server(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    clock: FakeClock,
    backend_settings: dict[str, object],
) -> AsyncIterator[HubServer]:
    """The hub, once sending every change (the tests' default, FakeClock) and once coalescing
    on the real clock: nothing here may assume one frame per change."""
    window: float = request.param
    config = hub_config(tmp_path, fanout_window=window, **backend_settings)
    async with HubServer(config, clock=clock if window == 0 else SystemClock()) as srv:
        yield srv


async def test_a_page_without_a_cart_sees_counts_change_live(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 2, "lamp": 1})
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "page") as page:
        await page.hello()
        refs = [{"store_id": store_id, "product_id": p} for p in ("mug", "lamp", "ghost")]
        await page.send({"type": "subscribe", "products": refs})
        snap = await page.expect("availability_snapshot")
        assert {i["product_id"]: i["available"] for i in snap["items"]} == {"mug": 2, "lamp": 1}
        await http.post(
            "/api/cart/commands",
            json={"type": "reserve", "id": "pg-000001", "store_id": store_id, "product_id": "lamp"},
            headers=alice.auth,
        )
        frame = await page.expect("availability")
        assert (frame["product_id"], frame["available"]) == ("lamp", 0)
        # After unsubscribing, changes to that product are no longer sent.
        await page.send({"type": "unsubscribe", "products": [refs[1]]})
        await server.hub.stores.command(
            store_id, AdjustStock(id=command_id(), product_id="lamp", delta=3)
        )
        await server.hub.stores.command(
            store_id, AdjustStock(id=command_id(), product_id="mug", delta=1)
        )
        frame = await page.expect("availability")
        assert (frame["product_id"], frame["available"]) == ("mug", 3)


async def test_polling_pages_get_the_same_changes(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 2})
    r = await http.get("/api/page/availability", params={"p": f"{store_id}:mug"})
    (item,) = r.json()["items"]
    known = [{"store_id": store_id, "product_id": "mug", "version": item["version"]}]
    # Nothing changed: an immediate poll is empty.
    r = await http.post("/api/page/poll", json={"products": known, "wait": 0})
    assert r.json()["items"] == []
    # A long poll is answered as soon as the count changes.
    waiting = asyncio.create_task(http.post("/api/page/poll", json={"products": known, "wait": 10}))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await server.hub.stores.command(
        store_id, AdjustStock(id=command_id(), product_id="mug", delta=-1)
    )
    r = await asyncio.wait_for(waiting, 5)
    (changed,) = r.json()["items"]
    assert changed["available"] == 1 and changed["version"] > item["version"]


async def test_a_page_may_follow_at_most_1000_products(server: HubServer) -> None:
    async with peer(server, "page") as page:
        await page.hello()
        refs = [{"store_id": "s", "product_id": f"p{n}"} for n in range(1000)]
        await page.send({"type": "subscribe", "products": refs})
        await page.expect("availability_snapshot")
        await page.send(
            {"type": "subscribe", "products": [{"store_id": "s", "product_id": "one-more"}]}
        )
        error = await page.expect("error")
        assert error["code"] == "invalid_message" and error["details"]["limit"] == 1000
