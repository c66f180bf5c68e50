"""Two hub nodes on loopback sharing PostgreSQL and Redis, with no sticky sessions."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.credentials import MemoryCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.cart import Reserve
from tests.conftest import Nodes
from tests.helpers.balancer import Balancer
from tests.helpers.hubs import command_id, hub_config, new_shopper, running_hub, seed_store
from tests.helpers.peers import link_token, peer, sign_up
from tests.helpers.process import HubProcess
from tests.helpers.services import postgres_server, restart_postgres, start_redis, stop_redis
from tests.helpers.waiting import eventually, free_port

pytestmark = pytest.mark.backends("postgres")  # several nodes need the shared backends


async def test_a_page_on_one_node_sees_a_reservation_made_on_the_other(nodes: Nodes) -> None:
    a, b = nodes
    store, _ = await seed_store(a.hub, "Shop", {"vase": 1})
    async with peer(a, "page") as page, httpx.AsyncClient(base_url=b.http_url) as http_b:
        await page.hello()
        await page.send(
            {"type": "subscribe", "products": [{"store_id": store, "product_id": "vase"}]}
        )
        assert (await page.expect("availability_snapshot"))["items"][0]["available"] == 1
        alice = await sign_up(http_b, "alice@example.org")
        r = await http_b.post(
            "/api/cart/commands",
            json={"type": "reserve", "id": "mn-000001", "store_id": store, "product_id": "vase"},
            headers=alice.auth,
        )
        assert r.status_code == 200, r.text
        update = await page.expect("availability")
        assert update["available"] == 0


async def test_a_cart_on_one_node_hears_what_happens_on_the_other(nodes: Nodes) -> None:
    a, b = nodes
    store, _ = await seed_store(a.hub, "Shop", {"mug": 3})
    async with httpx.AsyncClient(base_url=a.http_url) as http_a:
        alice = await sign_up(http_a, "alice@example.org")
        link = await link_token(http_a, alice)
    async with peer(b, "cart", ignore=("availability",)) as cart, peer(a, "page") as page:
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        await page.hello(link)
        reply = await page.command(
            {"type": "add_to_cart", "id": "mn-000002", "store_id": store, "product_id": "mug"}
        )
        assert reply["type"] == "result", reply
        added = await cart.expect("item_added")
        assert added["seq"] == 1 and added["ticket"]["product_id"] == "mug"


async def test_500_reservations_across_two_nodes_hold_exactly_the_stock(nodes: Nodes) -> None:
    a, b = nodes
    store, _ = await seed_store(a.hub, "Shop", {"last-five": 5})
    shoppers = [await new_shopper(a.hub, f"s{n}@example.org") for n in range(500)]

    async def attempt(n: int) -> bool:
        node = (a, b)[n % 2]
        try:
            await node.hub.carts.command(
                shoppers[n], Reserve(id=command_id(), store_id=store, product_id="last-five")
            )
            return True
        except ProtocolError as exc:
            assert exc.code is ErrorCode.INSUFFICIENT_STOCK
            return False

    outcomes = await asyncio.gather(*(attempt(n) for n in range(500)))
    assert sum(outcomes) == 5
    (level,) = await b.hub.carts.availability([(store, "last-five")])
    assert level.available == 0
    rows = [p.stock.model_dump() for p in await a.hub.stores.products(store)]
    assert rows[0]["held"] == 5 and rows[0]["on_hand"] == 5


async def test_clients_of_a_killed_node_reconnect_to_the_other_and_resume(
    tmp_path: Path, backend_settings: dict[str, Any]
) -> None:
    http_lb, ws_lb = Balancer(), Balancer()
    await http_lb.start()
    await ws_lb.start()
    settings = {
        "database_url": backend_settings["database_url"],
        "redis_url": backend_settings["redis_url"],
        "redis_prefix": backend_settings["redis_prefix"],
        "public_http_url": f"http://127.0.0.1:{http_lb.port}",
        "public_ws_url": f"ws://127.0.0.1:{ws_lb.port}",
    }
    # The store is registered once, in the shared database.
    async with running_hub(tmp_path / "admin", FakeClock(), **settings) as admin:
        store, _ = await seed_store(admin, "Shop", {"mug": 5, "lamp": 5})
    dirs = [tmp_path / "a", tmp_path / "b"]
    for d in dirs:
        d.mkdir()
    a, b = [await HubProcess(d, **settings).start() for d in dirs]
    http_lb.nodes = [("127.0.0.1", a.http_port), ("127.0.0.1", b.http_port)]
    ws_lb.nodes = [("127.0.0.1", a.ws_port), ("127.0.0.1", b.ws_port)]
    session = CartSession(tmp_path / "home", MemoryCredentials(), open_url=lambda _: None)
    try:
        await session.open()
        await session.account.log_in(
            settings["public_http_url"],
            "alice@example.org",
            "correct horse battery",
            create_account=True,
        )
        await eventually(lambda: session.stream.status is Status.WEBSOCKET, what="online")
        await session.cart.reserve(store, "mug")
        # Which node holds the cart's WebSocket? Kill that one, for real.
        ws_node = ws_lb.routed[-1]
        victim, survivor = (a, b) if ws_node[1] == a.ws_port else (b, a)
        victim.kill()
        await victim.wait()
        # While the cart reconnects, a page adds through the surviving node.
        async with httpx.AsyncClient(base_url=survivor.http_url) as http:
            r = await http.post(
                "/api/cart/link-tokens",
                json={},
                headers={"Authorization": f"Bearer {session.api.token}"},  # type: ignore[union-attr]
            )
            link = r.json()["token"]
            r = await http.post(
                "/api/page/commands",
                json={
                    "type": "add_to_cart",
                    "id": "mn-000003",
                    "store_id": store,
                    "product_id": "lamp",
                },
                headers={"Authorization": f"Bearer {link}"},
            )
            assert r.status_code == 200, r.text
        await eventually(
            lambda: (
                sorted(i.ticket.product_id for i in session.local.state.items.values())
                == ["lamp", "mug"]
            ),
            within=20,
            what="the cart resumed on the other node",
        )
        assert session.stream.status is Status.WEBSOCKET
        assert ws_lb.routed[-1] == ("127.0.0.1", survivor.ws_port)
        # Nothing lost, nothing twice: the cart's view matches the hub's.
        await session.cart.sync()
        assert sorted(
            (i.ticket.product_id, i.ticket.qty) for i in session.local.state.items.values()
        ) == [
            ("lamp", 1),
            ("mug", 1),
        ]
    finally:
        await session.close()
        await survivor.stop() if "survivor" in locals() else None
        for node in (a, b):
            if node.proc is not None and node.proc.returncode is None:
                await node.stop()
        await http_lb.stop()
        await ws_lb.stop()


async def test_a_redis_restart_loses_nothing(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    port, directory = free_port(), tmp_path / "redis"
    directory.mkdir()
    start_redis(directory, port)
    settings = {**backend_settings, "redis_url": f"redis://127.0.0.1:{port}/0"}
    a = HubServer(hub_config(tmp_path / "a", **settings), clock=clock)
    b = HubServer(hub_config(tmp_path / "b", **settings), clock=clock)
    await a.start()
    await b.start()
    try:
        store, _ = await seed_store(a.hub, "Shop", {"mug": 10})
        async with httpx.AsyncClient(base_url=a.http_url) as http_a:
            alice = await sign_up(http_a, "alice@example.org")
            link = await link_token(http_a, alice)
        async with (
            peer(b, "cart", ignore=("availability",)) as cart,
            peer(b, "page") as watcher,
            peer(a, "page", ignore=("availability", "in_cart")) as page,
        ):
            await cart.hello(alice.token)
            await cart.expect("snapshot")
            await watcher.hello(link)  # a page of the same cart, on node B
            await watcher.send(
                {"type": "subscribe", "products": [{"store_id": store, "product_id": "mug"}]}
            )
            await watcher.expect("availability_snapshot")
            await page.hello(link)

            async def watcher_sees(within: float = 5.0) -> tuple[int, int]:
                """(available, held by the cart) from the watcher's next count and in_cart."""
                frames = {f["type"]: f for f in [await watcher.recv(within) for _ in range(2)]}
                return frames["availability"]["available"], frames["in_cart"]["items"][0]["qty"]

            async def add(n: int) -> None:
                reply = await page.command(
                    {"type": "add_to_cart", "id": f"rr-{n:06d}", "store_id": store,
                     "product_id": "mug"}
                )  # fmt: skip
                # While Redis is away too: committed is committed, and the page is told so.
                assert reply["type"] == "result", reply

            await add(1)
            assert (await cart.expect("item_added"))["seq"] == 1
            assert await watcher_sees() == (9, 1)
            stop_redis(port)
            await add(2)
            failures = re.search(
                r"^cartstart_broker_publish_failures_total (\S+)$",
                a.hub.metrics.render().decode(),
                re.MULTILINE,
            )
            assert failures is not None and float(failures.group(1)) > 0
            start_redis(directory, port)
            # Back on Redis, node B's clients get what they missed, with nothing new happening.
            missed = await cart.expect("quantity_changed", within=15)
            assert missed["seq"] == 2 and missed["ticket"]["qty"] == 2
            assert await watcher_sees(within=15) == (8, 2)
            await add(3)
            latest = await cart.expect("quantity_changed")
            assert latest["seq"] == 3 and latest["ticket"]["qty"] == 3
            assert await watcher_sees() == (7, 3)
    finally:
        await a.stop()
        await b.stop()
        stop_redis(port)


async def test_a_postgresql_restart_is_survived(tmp_path: Path, clock: FakeClock) -> None:
    """The pool drops the connections PostgreSQL terminated and opens new ones; a command that
    meets the restart fails whole and its retry (same id) goes through once."""
    with postgres_server() as dsn:
        async with running_hub(tmp_path, clock, database_url=dsn, single_node=True) as hub:
            store, _ = await seed_store(hub, "Shop", {"mug": 10})
            alice = await new_shopper(hub, "alice@example.org")
            first = await hub.carts.command(alice, Reserve(id=command_id(), store_id=store,
                                                          product_id="mug"))  # fmt: skip
            await asyncio.to_thread(restart_postgres, dsn)
            again = Reserve(id=command_id(), store_id=store, product_id="mug")
            for _ in range(50):
                try:
                    second = await hub.carts.command(alice, again)
                    break
                except Exception:  # what a client sees while the database is away: retry
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the hub did not recover from the restart")
            assert (first.qty, second.qty) == (1, 2)
            assert (await hub.carts.command(alice, again)).qty == 2  # the retry applied once
            (level,) = await hub.carts.availability([(store, "mug")])
            assert level.available == 8
