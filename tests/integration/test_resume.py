"""A cart that drops its connection while events are being sent gets each missed event once, in
order, whether it comes back over a WebSocket, by polling, or switches between the two."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from cartstart_server.server import HubServer
from shared_protocol.cart import Reserve
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.peers import Account, Peer, peer, sign_up

EVENTS = 60
SEEN_BEFORE_DROP = 10


async def produce(server: HubServer, account: Account, store: str, count: int) -> None:
    """`count` cart events: one reservation each (item_added, then quantity_changed)."""
    shopper = await server.hub.identity.authenticate_shopper(account.token)
    for _ in range(count):
        await server.hub.carts.command(
            shopper, Reserve(id=command_id(), store_id=store, product_id="mug")
        )


async def read_durable(cart: Peer, applied: list[int], until: int) -> None:
    while not applied or applied[-1] < until:
        frame = await cart.recv()
        if "seq" in frame:
            assert frame["seq"] == (applied[-1] if applied else 0) + 1, "gap or duplicate"
            applied.append(frame["seq"])


async def poll(http: httpx.AsyncClient, account: Account, after: int) -> dict:
    r = await http.get("/api/cart/events", params={"after": after}, headers=account.auth)
    assert r.status_code == 200, r.text
    body: dict = r.json()
    return body


@pytest.mark.parametrize("comeback", ["websocket", "polling", "polling-then-websocket"])
async def test_missed_events_arrive_once_in_order(
    server: HubServer, http: httpx.AsyncClient, comeback: str
) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 1000})
    alice = await sign_up(http, "alice@example.org")
    applied: list[int] = []

    async with peer(server, "cart", ignore=("availability",)) as cart:
        welcome = await cart.hello(alice.token)
        assert welcome["resumed"] is False
        await cart.expect("snapshot")
        producer = asyncio.create_task(produce(server, alice, store, EVENTS))
        await read_durable(cart, applied, SEEN_BEFORE_DROP)
        await cart.send({"type": "ack", "seq": 5})
        cart.ws.transport.abort()  # no closing handshake: the network just went away
    await producer

    if comeback == "websocket":
        async with peer(server, "cart", ignore=("availability",)) as cart:
            welcome = await cart.hello(alice.token, resume_from=applied[-1])
            assert welcome["resumed"] is True and welcome["head_seq"] == EVENTS
            await read_durable(cart, applied, EVENTS)
            with pytest.raises(TimeoutError):  # and nothing more
                await cart.recv(within=0.2)
    else:
        body = await poll(http, alice, applied[-1])
        assert body["snapshot"] is None and body["head_seq"] == EVENTS
        batch = [m["seq"] for m in body["messages"]]
        if comeback == "polling":
            applied += batch
        else:
            applied += batch[:20]  # applies part of the batch, then the network allows WS again
            async with peer(server, "cart", ignore=("availability",)) as cart:
                welcome = await cart.hello(alice.token, resume_from=applied[-1])
                assert welcome["resumed"] is True
                await read_durable(cart, applied, EVENTS)

    assert applied == list(range(1, EVENTS + 1))


async def test_live_events_follow_a_replay_without_gaps(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 1000})
    alice = await sign_up(http, "alice@example.org")
    await produce(server, alice, store, 30)
    applied: list[int] = []
    async with peer(server, "cart", ignore=("availability",)) as cart:
        await cart.hello(alice.token, resume_from=0)
        # New events are committed while the replay of the first 30 is still being sent.
        producer = asyncio.create_task(produce(server, alice, store, 30))
        await read_durable(cart, applied, 60)
        await producer
    assert applied == list(range(1, 61))


async def test_polling_long_poll_wakes_on_a_new_event(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 10})
    alice = await sign_up(http, "alice@example.org")
    waiting = asyncio.create_task(
        http.get("/api/cart/events", params={"after": 0, "wait": 10}, headers=alice.auth)
    )
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await produce(server, alice, store, 1)
    r = await asyncio.wait_for(waiting, 5)
    assert [m["type"] for m in r.json()["messages"]] == ["item_added"]


async def test_acked_events_are_forgotten_and_a_stale_cursor_gets_a_snapshot(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 10})
    alice = await sign_up(http, "alice@example.org")
    await produce(server, alice, store, 3)
    # Polling with after=3 acknowledges 1..3: they leave the outbox.
    assert (await poll(http, alice, 3))["messages"] == []
    assert await server.hub.streams.read(server.hub.streams.of_cart(alice.cart_id), 0) == []
    # A second device that only ever saw seq 1 cannot be replayed to: it gets the cart instead.
    body = await poll(http, alice, 1)
    assert body["snapshot"]["head_seq"] == 3
    assert [t["qty"] for t in body["snapshot"]["tickets"]] == [3]
    async with peer(server, "cart", ignore=("availability",)) as cart:
        welcome = await cart.hello(alice.token, resume_from=1)
        assert welcome["resumed"] is False
        snap = await cart.expect("snapshot")
        assert snap["head_seq"] == 3 and snap["tickets"][0]["qty"] == 3


async def test_a_client_cannot_ack_what_it_was_not_sent(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "cart") as cart:
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        await cart.send({"type": "ack", "seq": 99})
        error = await cart.expect("error")
        assert error["code"] == "invalid_message"
