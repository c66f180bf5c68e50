"""The desktop cart's channel: its own commands, and the stock of what it holds."""

from __future__ import annotations

import httpx

from cartstart_server.server import HubServer
from shared_protocol.store import AdjustStock
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.peers import peer, sign_up


async def test_a_cart_hears_the_stock_of_exactly_what_it_holds(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3, "lamp": 3})
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "cart") as cart:
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        result = await cart.command(
            {"type": "reserve", "id": "cc-000001", "store_id": store_id, "product_id": "mug"}
        )
        ticket_id = result["ticket"]["ticket_id"]
        # The event and the count this hold left, in either order (the count is state).
        frames = {f["type"]: f for f in (await cart.recv(), await cart.recv())}
        assert frames["item_added"]["seq"] == 1
        now = frames["availability"]
        assert (now["product_id"], now["available"]) == ("mug", 2)
        # A restock of a held product reaches the cart; one of another product does not.
        await server.hub.stores.command(
            store_id, AdjustStock(id=command_id(), product_id="lamp", delta=5)
        )
        await server.hub.stores.command(
            store_id, AdjustStock(id=command_id(), product_id="mug", delta=5)
        )
        # Keep the highest version (between nodes a count can arrive twice, or late).
        later = await cart.expect("availability")
        while later["version"] <= now["version"]:
            later = await cart.expect("availability")
        assert (later["product_id"], later["available"]) == ("mug", 7)
        # Once released, the product's changes stop. (Availability is versioned state, not part
        # of the ordered stream: the count the release freed may come before or after the event.)
        await cart.command({"type": "release", "id": "cc-000002", "ticket_id": ticket_id})
        while (frame := await cart.recv())["type"] != "ticket_released":
            assert frame["type"] == "availability" and frame["available"] == 8
        await server.hub.stores.command(
            store_id, AdjustStock(id=command_id(), product_id="mug", delta=1)
        )
        reply = await cart.command({"type": "sync", "id": "cc-000003"})  # a marker
        assert reply["type"] == "snapshot" and reply["tickets"] == []
        assert [f for f in cart.take_held() if f["type"] == "availability"] == []


async def test_a_refused_reservation_leaves_the_cart_deaf_to_the_product(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "cart") as cart:
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        refused = await cart.command(
            {"type": "reserve", "id": "cc-000001", "store_id": store_id, "product_id": "mug",
             "qty": 5}
        )  # fmt: skip
        assert refused["type"] == "error" and refused["code"] == "insufficient_stock"
        await server.hub.stores.command(
            store_id, AdjustStock(id=command_id(), product_id="mug", delta=5)
        )
        reply = await cart.command({"type": "sync", "id": "cc-000002"})  # a marker
        assert reply["type"] == "snapshot" and reply["tickets"] == []
        assert cart.take_held() == []


async def test_sync_returns_the_cart_with_its_id(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "cart", ignore=("availability",)) as cart:
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        await cart.command(
            {
                "type": "reserve",
                "id": "sy-000001",
                "store_id": store_id,
                "product_id": "mug",
                "qty": 2,
            }
        )
        snap = await cart.command({"type": "sync", "id": "sy-000002"})
        assert snap["type"] == "snapshot" and snap["head_seq"] == 1
        assert [(t["product_id"], t["qty"]) for t in snap["tickets"]] == [("mug", 2)]
        assert snap["availability"][0]["available"] == 1
