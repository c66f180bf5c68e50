"""Running several nodes safely (issue 21), on real PostgreSQL and Redis: a half-configured node
is refused, a node says what it uses, a node starts while Redis is down, and a PostgreSQL
outage is answered `unavailable` (HTTP 503 with Retry-After, WebSocket close 1013)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.peers import link_token, peer, sign_up
from tests.helpers.process import CLI, HubProcess, cli_env
from tests.helpers.services import (
    new_database,
    postgres_server,
    start_postgres,
    start_redis,
    stop_postgres,
    stop_redis,
)
from tests.helpers.waiting import eventually, free_port

pytestmark = pytest.mark.backends("postgres")


def serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`cartstart-server serve` that is expected to refuse to start (a timeout fails)."""
    return subprocess.run(
        [*CLI, "serve", "--data-dir", str(tmp_path), "--port", "0", "--ws-port", "0"],
        capture_output=True, text=True, timeout=30, env=cli_env(**env),
    )  # fmt: skip


async def test_a_typo_in_a_variable_is_refused_naming_it(
    tmp_path: Path, backend_settings: dict[str, Any]
) -> None:
    done = serve(
        tmp_path,
        CARTSTART_DATABSE_URL=backend_settings["database_url"],
        CARTSTART_REDIS_URL=backend_settings["redis_url"],
    )
    assert done.returncode == 2, done.stderr
    assert "CARTSTART_DATABSE_URL: no such setting; did you mean database_url?" in done.stderr
    assert not (tmp_path / "hub.sqlite3").exists()  # no node ran on a SQLite file of its own


async def test_a_shared_database_without_a_broker_is_refused_unless_single_node(
    tmp_path: Path, backend_settings: dict[str, Any]
) -> None:
    database = backend_settings["database_url"]
    done = serve(tmp_path, CARTSTART_DATABASE_URL=database)
    assert done.returncode == 2, done.stderr
    assert "database_url is set but redis_url is not" in done.stderr
    assert "single_node" in done.stderr
    node = await HubProcess(tmp_path, database_url=database, single_node="true").start()
    try:
        async with httpx.AsyncClient(base_url=node.http_url) as http:
            assert (await http.get("/readyz")).text == "ready\n"
    finally:
        assert await node.stop() == 0
    assert "broker memory this process only" in (tmp_path / "hub.log").read_text()


async def test_the_start_up_line_and_metrics_say_what_the_node_uses(
    tmp_path: Path, backend_settings: dict[str, Any]
) -> None:
    # Trust authentication ignores the password; the node must not print it anywhere.
    database = backend_settings["database_url"].replace("postgres@", "postgres:s3cret-pw@")
    redis = backend_settings["redis_url"]
    node = await HubProcess(
        tmp_path, database_url=database, redis_url=redis, redis_prefix="t-nodes:"
    ).start()
    try:
        async with httpx.AsyncClient(base_url=node.http_url) as http:
            metrics = (await http.get("/metrics")).text
    finally:
        assert await node.stop() == 0
    log = (tmp_path / "hub.log").read_text()
    assert "s3cret-pw" not in log and "s3cret-pw" not in metrics
    masked = database.replace("s3cret-pw", "***")
    lines = [json.loads(line)["msg"] for line in log.splitlines() if "hub node:" in line]
    assert lines == [
        f"hub node: database postgresql {masked}; broker redis {redis} (prefix t-nodes:); "
        f"listening on 127.0.0.1:{node.http_port} (HTTP) and 127.0.0.1:{node.ws_port} "
        f"(WebSocket); clients told {node.http_url} and {node.ws_url}"
    ]
    info = re.search(r"^cartstart_node_info\{(.*)\} 1\.0$", metrics, re.MULTILINE)
    assert info is not None, metrics
    labels = dict(re.findall(r'(\w+)="([^"]*)"', info.group(1)))
    assert labels == {
        "database": "postgresql",
        "database_at": masked,
        "broker": "redis",
        "broker_at": redis,
        "redis_prefix": "t-nodes:",
        "http_listen": f"127.0.0.1:{node.http_port}",
        "ws_listen": f"127.0.0.1:{node.ws_port}",
        "http_url": node.http_url,
        "ws_url": node.ws_url,
    }


async def test_a_node_started_while_redis_is_down_serves_and_catches_up(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    port, directory = free_port(), tmp_path / "redis"
    directory.mkdir()
    settings = {**backend_settings, "redis_url": f"redis://127.0.0.1:{port}/0"}
    a = HubServer(hub_config(tmp_path / "a", **settings), clock=clock)
    b = HubServer(hub_config(tmp_path / "b", **settings), clock=clock)
    await a.start()  # Redis is not running
    await b.start()
    try:
        store, _ = await seed_store(a.hub, "Shop", {"mug": 5, "lamp": 2})
        async with (
            httpx.AsyncClient(base_url=a.http_url) as http_a,
            httpx.AsyncClient(base_url=b.http_url) as http_b,
            peer(b, "page") as page,
            peer(b, "page") as later,
        ):
            health = await http_b.get("/healthz")
            assert health.status_code == 200
            assert health.json()["status"] == "degraded"
            assert health.json()["broker"].startswith("down")
            assert (await http_b.get("/readyz")).status_code == 200  # serving: stay in rotation
            alice = await sign_up(http_a, "alice@example.org")
            link = await link_token(http_a, alice)
            await page.hello(link)
            await page.send(
                {"type": "subscribe", "products": [{"store_id": store, "product_id": "mug"}]}
            )
            assert (await page.expect("availability_snapshot"))["items"][0]["available"] == 5
            r = await http_a.post(
                "/api/cart/commands",
                json={"type": "reserve", "id": "nd-000001", "store_id": store,
                      "product_id": "mug"},
                headers=alice.auth,
            )  # fmt: skip
            assert r.status_code == 200, r.text  # node A serves without Redis too
            start_redis(directory, port)
            back = time.monotonic()
            # Node B joins Redis by itself; its page catches up from the database.
            frames = [await page.recv(within=10) for _ in range(2)]
            caught_up = time.monotonic() - back
            counts = [f["available"] for f in frames if f["type"] == "availability"]
            assert counts == [4], frames
            print(f"caught up {caught_up:.2f} s after Redis started")
            await eventually(lambda: a.hub.broker.connected() and b.hub.broker.connected(), 5)
            assert (await http_b.get("/healthz")).json()["status"] == "ok"
            r = await http_a.post(
                "/api/cart/commands",
                json={"type": "reserve", "id": "nd-000002", "store_id": store,
                      "product_id": "mug"},
                headers=alice.auth,
            )  # fmt: skip
            assert r.status_code == 200, r.text
            # Live again, through Redis: the count and the page's own cart.
            live = {f["type"]: f for f in [await page.recv() for _ in range(2)]}
            assert live["availability"]["available"] == 3
            assert live["in_cart"]["items"][0]["qty"] == 2
            # A page that starts following a product during a later outage hears it afterwards.
            stop_redis(port)
            await eventually(lambda: not b.hub.broker.connected(), 10)
            await later.hello()
            await later.send(
                {"type": "subscribe", "products": [{"store_id": store, "product_id": "lamp"}]}
            )
            assert (await later.expect("availability_snapshot"))["items"][0]["available"] == 2
            start_redis(directory, port)
            await eventually(lambda: a.hub.broker.connected() and b.hub.broker.connected(), 10)
            r = await http_a.post(
                "/api/cart/commands",
                json={"type": "reserve", "id": "nd-000003", "store_id": store,
                      "product_id": "lamp"},
                headers=alice.auth,
            )  # fmt: skip
            assert r.status_code == 200, r.text
            counts = []
            while 1 not in counts:  # after the catch-up's count (2), the reservation's
                counts.append((await later.expect("availability", within=10))["available"])
            assert set(counts) <= {1, 2}, counts
    finally:
        await a.stop()
        await b.stop()
        stop_redis(port)


async def test_a_postgresql_outage_is_answered_unavailable_and_retries_apply_once(
    tmp_path: Path, clock: FakeClock, redis_url: str
) -> None:
    with postgres_server() as cluster:
        database = await new_database(cluster)
        settings = {"database_url": database, "redis_url": redis_url, "redis_prefix": "pgo:"}
        async with HubServer(hub_config(tmp_path, **settings), clock=clock) as node:
            store, _ = await seed_store(node.hub, "Shop", {"mug": 5})
            # One keep-alive connection for every request: an error must not cost it.
            limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
            async with (
                httpx.AsyncClient(base_url=node.http_url, limits=limits) as http,
                peer(node, "cart", ignore=("availability",)) as cart,
            ):
                alice = await sign_up(http, "alice@example.org")
                await cart.hello(alice.token)
                await cart.expect("snapshot")
                reserve = {"type": "reserve", "id": "pg-000001", "store_id": store,
                           "product_id": "mug"}  # fmt: skip
                stop_postgres(cluster)
                stopped = time.monotonic()
                try:
                    r = await http.post("/api/cart/commands", json=reserve, headers=alice.auth)
                    answered = time.monotonic() - stopped
                    assert r.status_code == 503, r.text
                    assert r.headers["retry-after"] == "2"
                    assert r.json()["error"]["code"] == "unavailable"
                    assert r.json()["error"]["details"] == {"retry_after": 2}
                    health = await http.get("/healthz")  # the same connection, still open
                    assert health.status_code == 503
                    assert health.json()["status"] == "unavailable"
                    assert health.json()["database"].startswith("down")
                    assert health.json()["broker"] == "ok"
                    ready = await http.get("/readyz")
                    assert ready.status_code == 503 and ready.text.startswith("not ready")
                    metrics = (await http.get("/metrics")).text
                    assert 'cartstart_up{part="database"} 0.0' in metrics
                    # A connected cart: a typed error for its command, and it stays open.
                    reply = await cart.command({**reserve, "id": "pg-000002"})
                    assert (reply["type"], reply["code"]) == ("error", "unavailable"), reply
                    # A new connection: told why, closed with 1013 "try again later".
                    async with connect(f"{node.ws_url}/ws/cart") as ws:
                        await ws.send(json.dumps({"type": "hello", "versions": [1],
                                                  "token": alice.token}))  # fmt: skip
                        error = json.loads(await asyncio.wait_for(ws.recv(), 10))
                        assert error["code"] == "unavailable", error
                        with pytest.raises(ConnectionClosed):
                            await asyncio.wait_for(ws.recv(), 10)
                        assert ws.close_code == 1013
                        assert (ws.close_reason or "").startswith("the hub cannot reach its")
                finally:
                    start_postgres(cluster)
                restarted = time.monotonic()

                async def retried() -> bool:  # what a client does with Retry-After
                    r = await http.post("/api/cart/commands", json=reserve, headers=alice.auth)
                    return r.status_code == 200

                await eventually(retried, within=15, what="the retry goes through")
                print(
                    f"503 within {answered:.3f} s; outage {restarted - stopped:.2f} s; served again "
                    f"{time.monotonic() - restarted:.2f} s after PostgreSQL started"
                )
                again = await http.post("/api/cart/commands", json=reserve, headers=alice.auth)
                assert again.json()["ticket"]["qty"] == 1  # the same id applied once
                reply = await cart.command({**reserve, "id": "pg-000002"})
                assert reply["type"] == "result", reply
                (level,) = await node.hub.carts.availability([(store, "mug")])
                assert level.available == 3  # two reservations, each once
                assert (await http.get("/healthz")).json()["status"] == "ok"


async def test_an_error_response_leaves_the_keep_alive_connection_usable(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any], caplog: Any
) -> None:
    async with HubServer(hub_config(tmp_path, **backend_settings), clock=clock) as node:
        store, _ = await seed_store(node.hub, "Shop", {"mug": 5})
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=node.http_url, limits=limits) as http:
            alice = await sign_up(http, "alice@example.org")
            # A real fault: a table the command needs is gone (a botched manual change).
            conn = await asyncpg.connect(backend_settings["database_url"])
            try:
                await conn.execute("DROP TABLE idempotency")
            finally:
                await conn.close()
            reserve = {"type": "reserve", "store_id": store, "product_id": "mug"}
            for n in range(3):  # each answer on the connection the one before used
                r = await http.post(
                    "/api/cart/commands", json={**reserve, "id": f"ka-{n:06d}"},
                    headers=alice.auth,
                )  # fmt: skip
                assert r.status_code == 500, r.text
                assert r.json()["error"]["code"] == "internal"
                assert (await http.get("/readyz")).status_code == 200
    assert "Exception in ASGI application" not in caplog.text
