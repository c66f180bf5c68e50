"""Live selling over `/ws/live`, on one node and on several (the `server` fixture runs on SQLite
and on PostgreSQL + Redis): sessions from public mode, chat both ways delivered once, the counter,
the session cart as real holds, ordering now, coming back after a restart, deleting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer, peer

Frame = dict[str, Any]
_ids = iter(range(10_000_000))


def cid() -> str:
    return f"live-{next(_ids):08d}"


async def live_hello(p: Peer, **fields: Any) -> Frame:
    await p.send({"type": "hello", "versions": [1], **fields})
    return await p.expect("welcome")


@asynccontextmanager
async def visitor_in_new_session(
    server: HubServer, store_id: str, label: str = "Ana"
) -> AsyncIterator[tuple[Peer, str, Frame]]:
    """Public mode, start a session, then a second connection as that session's visitor."""
    async with peer(server, "live") as public:
        welcome = await live_hello(public, store_id=store_id)
        assert welcome["role"] == "public"
        await public.expect("public_snapshot")
        started = await public.command({"type": "start_session", "id": cid(), "label": label})
        assert started["type"] == "result", started
    link = started["link"]
    async with peer(server, "live", ignore=("presence",)) as visitor:
        welcome = await live_hello(visitor, token=link)
        assert welcome["role"] == "visitor" and welcome["resumed"] is False
        yield visitor, link, await visitor.expect("live_snapshot")


async def test_chat_counter_and_session_cart_between_visitor_and_store(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3, "vase": 1})
    async with visitor_in_new_session(server, store_id) as (visitor, link, snap):
        session_id = snap["session"]["session_id"]
        assert snap["messages"] == [] and snap["cart"] == [] and snap["lead"] == "store"
        async with peer(server, "live", ignore=("presence",)) as store:
            welcome = await live_hello(store, token=key, session_id=session_id)
            assert welcome["role"] == "store"
            await store.expect("live_snapshot")
            said = await visitor.command({"type": "say", "id": cid(), "text": "Hello <b>there</b>"})
            assert said["message"]["text"] == "Hello <b>there</b>"  # text, as sent
            heard = await store.expect("said")
            assert (
                heard["message"]["author"] == "visitor" and heard["seq"] == said["message"]["seq"]
            )
            assert (await visitor.expect("said"))["seq"] == heard["seq"]  # once, on its stream
            reply = await store.command({"type": "say", "id": cid(), "text": "Welcome!"})
            assert (await visitor.expect("said"))["message"]["author"] == "store"
            await store.expect("said")
            read = await store.command(
                {"type": "mark_read", "id": cid(), "up_to": reply["message"]["seq"]}
            )
            assert read["type"] == "result"
            assert (await visitor.expect("read_marked"))["side"] == "store"

            shown = await store.command({"type": "present", "id": cid(), "product": "vase"})
            assert shown["presented"]["product"]["name"] == "Product vase"
            assert (await visitor.expect("presented"))["item"]["product"]["product_id"] == "vase"
            refused = await visitor.command({"type": "present", "id": cid(), "product": "mug"})
            assert refused["code"] == "forbidden"

            took = await visitor.command({"type": "take", "id": cid(), "product_id": "vase"})
            assert took["ticket"]["state"] == "held"
            (level,) = await server.hub.carts.availability([(store_id, "vase")])
            assert level.available == 0  # a real hold
            await store.expect("read_marked")
            await store.expect("presented")
            event = await store.expect("session_cart")
            assert event["ticket"]["product_id"] == "vase"
    # Nothing in the session was lost with the connections.
    async with peer(server, "live") as again:
        await live_hello(again, token=link)
        snap = await again.expect("live_snapshot")
        assert [m["text"] for m in snap["messages"]] == ["Hello <b>there</b>", "Welcome!"]
        assert [p["product"]["product_id"] for p in snap["counter"]] == ["vase"]
        assert [(t["product_id"], t["state"]) for t in snap["cart"]] == [("vase", "held")]
        assert snap["read"]["store"] >= 2


async def test_a_visitor_orders_now_and_the_store_sees_the_order(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    async with visitor_in_new_session(server, store_id) as (visitor, _link, _snap):
        await visitor.command({"type": "take", "id": cid(), "product_id": "mug", "qty": 2})
        await visitor.expect("session_cart")
        no_email = await visitor.command({"type": "order_now", "id": cid()})
        assert no_email["code"] == "invalid_message"
        ordered = await visitor.command(
            {"type": "order_now", "id": cid(), "email": "Ana@Example.org", "name": "Ana"}
        )
        assert ordered["type"] == "result", ordered
        assert ordered["order"]["lines"][0]["qty"] == 2
        assert (await visitor.expect("session_ordered"))["order"]["order_id"] == ordered["order"][
            "order_id"
        ]
    r = await http.get(f"/api/stores/{store_id}/orders", headers={"Authorization": f"Bearer {key}"})
    [order] = r.json()
    assert order["customer"]["email"] == "ana@example.org" and order["status"] == "placed"


async def test_deleting_a_session_removes_everything_and_tells_the_other_side(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    db = server.hub.db
    async with visitor_in_new_session(server, store_id) as (visitor, link, snap):
        session_id = snap["session"]["session_id"]
        await visitor.command({"type": "say", "id": cid(), "text": "hi"})
        await visitor.command({"type": "take", "id": cid(), "product_id": "mug"})
        async with peer(server, "live", ignore=("presence", "said", "session_cart")) as store:
            await live_hello(store, token=key, session_id=session_id)
            await store.expect("live_snapshot")
            await store.command({"type": "present", "id": cid(), "product": "mug"})
            deleted = await visitor.command({"type": "delete_session", "id": cid()})
            assert deleted["type"] == "result"
            told = await store.recv()
            while told["type"] != "session_deleted":
                told = await store.recv()
            assert told["by"] == "visitor"
            with pytest.raises(ConnectionClosed) as closed:
                await store.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4410
    (level,) = await server.hub.carts.availability([(store_id, "mug")])
    assert level.available == 3  # the hold was released
    for table, column in [
        ("live_sessions", "id"),
        ("live_messages", "session_id"),
        ("live_counter", "session_id"),
        ("live_widgets", "session_id"),
        ("live_uploads", "session_id"),
    ]:
        assert await count(db, table, column, session_id) == 0, table
    assert await count(db, "outbox", "owner", f"live:{session_id}") == 0
    async with peer(server, "live") as late:
        await late.send({"type": "hello", "versions": [1], "token": link})
        error = await late.expect("error")
        assert error["code"] == "gone" and "deleted" in error["message"]


async def test_a_store_cannot_reach_another_stores_session(server: HubServer) -> None:
    store_a, _ = await seed_store(server.hub, "A", {"mug": 1})
    _, key_b = await seed_store(server.hub, "B", {"cup": 1})
    async with visitor_in_new_session(server, store_a) as (_visitor, _link, snap):
        async with peer(server, "live") as intruder:
            await intruder.send(
                {
                    "type": "hello",
                    "versions": [1],
                    "token": key_b,
                    "session_id": snap["session"]["session_id"],
                }
            )
            error = await intruder.expect("error")
            assert error["code"] == "not_found"


async def test_the_lobby_hears_new_sessions_and_messages(server: HubServer) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with peer(server, "live") as lobby:
        welcome = await live_hello(lobby, token=key)
        assert welcome["role"] == "lobby"
        assert (await lobby.expect("lobby"))["sessions"] == []
        async with visitor_in_new_session(server, store_id, label="Bo") as (visitor, _l, _s):
            started = await lobby.expect("session_activity")
            assert started["session"]["label"] == "Bo"
            await visitor.command({"type": "say", "id": cid(), "text": "is the mug blue?"})
            news = await lobby.expect("session_activity")
            assert news["session"]["unread"] == 1
            assert news["session"]["last_message"] == "is the mug blue?"


async def count(db: Any, table: str, column: str, value: str) -> int:
    from cartstart_server.storage.sql import Stmt

    def plan() -> Any:
        rows = yield Stmt(f"SELECT COUNT(*) AS n FROM {table} WHERE {column} = ?", (value,))
        return int(rows[0]["n"])

    return int(await db.read(plan()))


async def wait_a_moment() -> None:
    await asyncio.sleep(0.05)
