"""Bad input on every channel: a typed error and a connection that still works, or a clean close
with a reason for floods, oversized frames and silence. The hub keeps running and loses nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.peers import Peer, peer, sign_up


@pytest.fixture
async def strict_server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[HubServer]:
    """Tight limits, so floods and silences are quick to provoke."""
    config = hub_config(
        tmp_path,
        rate_per_second=5,
        rate_burst=10,
        flood_strikes=5,
        hello_timeout=0.5,
        max_frame_bytes=4096,
        max_body_bytes=4096,
    )
    async with HubServer(config, clock=clock) as srv:
        yield srv


async def credentials(server: HubServer) -> dict[str, str | None]:
    """A valid token for each channel, plus a store and product to use."""
    store, key = await seed_store(server.hub, "Shop", {"mug": 5})
    await server.hub.identity.sign_up("alice@example.org", "correct horse battery")
    session = await server.hub.identity.log_in("alice@example.org", "correct horse battery")
    return {"cart": session.token, "store": key, "page": None, "store_id": store}


# A message that works on each channel once greeted, and what it answers.
def probe(channel: str, store_id: str) -> tuple[dict[str, object], str]:
    if channel == "cart":
        return {"type": "sync", "id": "probe-0001"}, "snapshot"
    if channel == "store":
        return {"type": "sync", "id": "probe-0001"}, "snapshot"
    return {
        "type": "subscribe",
        "products": [{"store_id": store_id, "product_id": "mug"}],
    }, "availability_snapshot"


async def still_works(p: Peer, channel: str, store_id: str) -> None:
    message, answer = probe(channel, store_id)
    await p.send(message)
    await p.expect(answer)


CHANNELS = ["cart", "page", "store"]


@pytest.mark.parametrize("channel", CHANNELS)
async def test_bad_frames_get_typed_errors_and_the_connection_stays_usable(
    server: HubServer, channel: str
) -> None:
    creds = await credentials(server)
    store_id = str(creds["store_id"])
    async with peer(server, channel, ignore=("availability",)) as p:
        # Before hello: anything else is refused, then a hello in a version the hub lacks.
        await p.send(probe(channel, store_id)[0])
        assert (await p.expect("error"))["code"] == "hello_required"
        await p.send({"type": "hello", "versions": [99]})
        err = await p.expect("error")
        assert err["code"] == "unsupported_version" and err["details"]["supported"] == [1]
        await p.hello(creds[channel])
        if channel != "page":
            await p.expect("snapshot")
        cases: list[tuple[str | bytes, str]] = [
            ("{not json", "bad_json"),
            ("[1, 2]", "bad_json"),
            (b"\xff\xfe\x00", "bad_json"),
            (json.dumps({"no": "type"}), "unknown_type"),
            (json.dumps({"type": "launch_rockets"}), "unknown_type"),
            (json.dumps({"type": "hello", "versions": [1]}), "invalid_message"),
        ]
        invalid_by_channel: dict[str, dict[str, Any]] = {
            "cart": {
                "type": "reserve",
                "id": "bad-0001",
                "store_id": store_id,
                "product_id": "mug",
                "qty": -3,
            },
            "page": {"type": "subscribe", "products": []},
            "store": {
                "type": "set_stock",
                "id": "bad-0001",
                "product_id": "mug",
                "on_hand": "lots",
            },
        }
        invalid = invalid_by_channel[channel]
        cases.append((json.dumps(invalid), "invalid_message"))
        for raw, code in cases:
            await p.send(raw)
            error = await p.expect("error")
            assert error["code"] == code, (raw, error)
            assert error["message"]
        # The schema violation names the field, and echoes the command id when there is one.
        if "id" in invalid:
            assert error["id"] == "bad-0001"
            assert error["details"]["problems"]
        await still_works(p, channel, store_id)


@pytest.mark.parametrize("channel", CHANNELS)
async def test_oversized_frames_close_with_a_reason(strict_server: HubServer, channel: str) -> None:
    creds = await credentials(strict_server)
    async with peer(strict_server, channel) as p:
        await p.hello(creds[channel])
        await p.send(json.dumps({"type": "sync", "id": "x" * 10_000}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await p.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1009  # message too big


@pytest.mark.parametrize("channel", CHANNELS)
async def test_floods_are_refused_then_closed(strict_server: HubServer, channel: str) -> None:
    creds = await credentials(strict_server)
    store_id = str(creds["store_id"])
    async with peer(
        strict_server, channel, ignore=("availability", "snapshot", "availability_snapshot")
    ) as p:
        await p.hello(creds[channel])
        message, _ = probe(channel, store_id)
        codes = []
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(100):
                await p.send(message)
            while True:
                frame = await p.recv()
                if frame["type"] == "error":
                    codes.append(frame["code"])
        assert codes and set(codes) == {"rate_limited"}
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        assert "flood" in closed.value.rcvd.reason


async def test_silence_after_connect_is_closed(strict_server: HubServer) -> None:
    async with peer(strict_server, "page") as p:
        with pytest.raises(ConnectionClosed) as closed:
            await p.recv(within=3)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        assert "hello" in closed.value.rcvd.reason


async def test_http_bad_requests_get_4xx_with_a_reason(strict_server: HubServer) -> None:
    creds = await credentials(strict_server)
    store_id = creds["store_id"]
    cart = {"Authorization": f"Bearer {creds['cart']}"}
    store = {"Authorization": f"Bearer {creds['store']}"}
    async with httpx.AsyncClient(base_url=strict_server.http_url) as http:
        cases: list[tuple[str, str, dict[str, Any], int, str]] = [
            (
                "POST",
                "/api/cart/commands",
                {"content": b"{oops", "headers": {**cart, "content-type": "application/json"}},
                400,
                "bad_json",
            ),
            (
                "POST",
                "/api/cart/commands",
                {"json": {"type": "launch", "id": "abcdefgh"}, "headers": cart},
                400,
                "unknown_type",
            ),
            (
                "POST",
                "/api/cart/commands",
                {"json": {"type": "reserve", "id": "abcdefgh", "qty": 0}, "headers": cart},
                422,
                "invalid_message",
            ),
            (
                "POST",
                "/api/cart/commands",
                {"json": {"type": "release", "id": "abcdefgh", "ticket_id": "t1"}},
                401,
                "unauthorized",
            ),
            (
                "POST",
                "/api/cart/commands",
                {
                    "content": b"[" + b"1," * 5000 + b"1]",
                    "headers": {**cart, "content-type": "application/json"},
                },
                413,
                "too_large",
            ),
            (
                "GET",
                "/api/cart/events",
                {"params": {"after": -1}, "headers": cart},
                422,
                "invalid_message",
            ),
            ("GET", "/api/no/such/thing", {}, 404, "not_found"),
            ("DELETE", "/healthz", {}, 405, "invalid_message"),
            (
                "POST",
                f"/api/stores/{store_id}/products/mug/stock-adjustments",
                {"json": {"delta": -1}, "headers": store},
                422,
                "invalid_message",
            ),
            (
                "PUT",
                f"/api/stores/{store_id}/products/mug/stock",
                {"json": {"on_hand": -5}, "headers": store},
                422,
                "invalid_message",
            ),
            (
                "GET",
                "/api/page/availability",
                {"params": {"p": "no-colon"}},
                422,
                "invalid_message",
            ),
        ]
        for method, path, kwargs, status, code in cases:
            r = await http.request(method, path, **kwargs)
            assert r.status_code == status, (method, path, r.text)
            assert r.json()["error"]["code"] == code, (method, path, r.text)
            assert r.json()["error"]["message"]

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b" " * 1000

        r = await http.post(
            "/api/cart/commands",
            content=chunks(),
            headers={**cart, "content-type": "application/json"},
        )
        assert r.status_code == 413


async def test_abuse_loses_nothing_already_stored(strict_server: HubServer) -> None:
    server = strict_server
    store, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        alice = await sign_up(http, "alice@example.org")
        r = await http.post(
            "/api/cart/commands",
            json={
                "type": "reserve",
                "id": "keep-0001",
                "store_id": store,
                "product_id": "mug",
                "qty": 2,
            },
            headers=alice.auth,
        )
        assert r.status_code == 200
        for channel in CHANNELS:
            async with peer(server, channel) as p:
                for raw in ("{", "\x00" * 100, json.dumps({"type": "hello", "versions": "all"})):
                    await p.send(raw)
                await p.send("x" * 9000)
                with pytest.raises(ConnectionClosed):
                    while True:
                        await p.recv()
        await asyncio.sleep(0.05)
        assert (await http.get("/healthz")).json()["status"] == "ok"
        cart = (await http.get("/api/cart", headers=alice.auth)).json()
        assert [t["qty"] for t in cart["tickets"]] == [2]
