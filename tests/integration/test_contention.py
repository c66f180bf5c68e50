"""Many carts racing for a few units, over real WebSocket connections: never oversold."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer, peer

ATTEMPTS = 200
STOCK = 5


async def test_200_concurrent_reservations_for_5_units_hold_exactly_5(server: HubServer) -> None:
    hub = server.hub
    store, _ = await seed_store(hub, "Shop", {"lamp": STOCK})
    tokens = []
    for n in range(ATTEMPTS):
        email = f"shopper{n}@example.org"
        await hub.identity.sign_up(email, "correct horse battery")
        tokens.append((await hub.identity.log_in(email, "correct horse battery")).token)

    async with AsyncExitStack() as stack:
        pages: list[Peer] = []
        for _ in range(3):
            page = await stack.enter_async_context(peer(server, "page"))
            await page.hello()
            await page.send(
                {"type": "subscribe", "products": [{"store_id": store, "product_id": "lamp"}]}
            )
            snap = await page.expect("availability_snapshot")
            assert snap["items"][0]["available"] == STOCK
            pages.append(page)
        carts: list[Peer] = []
        for token in tokens:
            cart = await stack.enter_async_context(peer(server, "cart", ignore=("availability",)))
            await cart.hello(token)
            await cart.expect("snapshot")
            carts.append(cart)

        async def attempt(n: int, cart: Peer) -> str:
            reply = await cart.command(
                {"type": "reserve", "id": f"race-{n:05d}", "store_id": store, "product_id": "lamp"}
            )
            return "ok" if reply["type"] == "result" else str(reply["code"])

        outcomes = await asyncio.gather(*(attempt(n, c) for n, c in enumerate(carts)))
        assert outcomes.count("ok") == STOCK
        assert outcomes.count("insufficient_stock") == ATTEMPTS - STOCK

        for page in pages:
            seen = [STOCK]
            while seen[-1] != 0:
                frame = await page.expect("availability")
                seen.append(frame["available"])
            # Counts only ever go down here, and never below zero.
            assert seen == sorted(seen, reverse=True) and min(seen) == 0

    snapshot = await hub.stores.snapshot(store)
    assert sum(t.qty for t in snapshot.tickets) == STOCK
    (level,) = await hub.carts.availability([(store, "lamp")])
    assert level.available == 0
