"""What an outside integrator relies on from the docs alone: the error precedence before hello,
deep or undecodable JSON, strict types, clamped waits, the flood count, and a clean stop."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config
from tests.helpers.peers import peer
from tests.helpers.process import HubProcess
from tests.integration.test_bad_input import CHANNELS, credentials, still_works

DEEP = "[" * 10_000 + "]" * 10_000  # well under the 64 KiB frame limit


@pytest.mark.parametrize("channel", CHANNELS)
async def test_before_hello_the_errors_come_in_the_documented_order(
    server: HubServer, channel: str
) -> None:
    creds = await credentials(server)
    async with peer(server, channel) as p:
        for frame, code in [
            ("not json", "bad_json"),
            (DEEP, "bad_json"),
            ("[1, 2]", "bad_json"),
            ('{"type": "reserve"}', "hello_required"),  # known type, malformed: still hello first
            ('{"type": "launch", "id": "abcdefgh"}', "hello_required"),
            ('{"type": "hello", "versions": "all"}', "invalid_message"),
            ('{"type": "hello", "versions": [99]}', "unsupported_version"),
        ]:
            await p.send(frame)
            error = await p.expect("error")
            assert error["code"] == code, (frame[:40], error)
        if channel == "page":
            assert (await p.hello())["channel"] == "page"
        else:
            assert (await p.hello(creds[channel]))["channel"] == channel
        await still_works(p, channel, str(creds["store_id"]))


@pytest.mark.parametrize("channel", CHANNELS)
async def test_deep_json_after_hello_is_bad_json_without_a_traceback(
    server: HubServer, channel: str, caplog: pytest.LogCaptureFixture
) -> None:
    creds = await credentials(server)
    caplog.set_level(logging.ERROR)
    async with peer(server, channel) as p:
        await p.hello(creds[channel])
        if channel != "page":
            await p.expect("snapshot")
        for _ in range(3):
            await p.send(DEEP)
            assert (await p.expect("error"))["code"] == "bad_json"
        await still_works(p, channel, str(creds["store_id"]))
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_http_bodies_that_are_not_json_are_bad_json(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    creds = await credentials(server)
    cart = {"Authorization": f"Bearer {creds['cart']}"}
    as_json = {**cart, "content-type": "application/json"}
    for body, headers in [
        (DEEP.encode(), as_json),
        (b'{"type": "sync", "id": "caf\xe9-0001"}', as_json),  # not UTF-8
        (b'{"type": "sync", "id": "abcdefgh"}', {**cart, "content-type": "text/plain"}),
    ]:
        r = await http.post("/api/cart/commands", content=body, headers=headers)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == "bad_json", r.text
    r = await http.post(
        "/api/cart/commands", content=b'{"type":"sync","id":"abcdefgh"}', headers=cart
    )
    assert "Content-Type: application/json" in r.json()["error"]["message"]


async def test_integers_are_integers_on_every_path(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    """The schema says integer; a JSON Schema validator refuses "1", and so does the hub."""
    creds = await credentials(server)
    store_id = creds["store_id"]
    async with peer(server, "cart") as p:
        await p.hello(creds["cart"])
        await p.expect("snapshot")
        reply = await p.command(
            {
                "type": "reserve",
                "id": "strict-01",
                "store_id": store_id,
                "product_id": "mug",
                "qty": "1",
            }
        )
        assert reply["code"] == "invalid_message" and "qty" in reply["message"]
    store = {"Authorization": f"Bearer {creds['store']}"}
    for path, body in [
        (f"/api/stores/{store_id}/products/mug/stock", {"on_hand": "3"}),
        (f"/api/stores/{store_id}/products/mug/stock", {"on_hand": 3.5}),
    ]:
        r = await http.put(path, json=body, headers=store)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_message", r.text
    product = {"id": "cup", "name": "Cup", "price": {"amount": "100", "currency": "EUR"}}
    r = await http.post(f"/api/stores/{store_id}/products", json={"products": [product]},
                        headers=store)  # fmt: skip
    assert r.status_code == 422 and "amount" in r.json()["error"]["message"]
    good = await http.put(f"/api/stores/{store_id}/products/mug/stock", json={"on_hand": 3},
                          headers=store)  # fmt: skip
    assert good.status_code == 200 and good.json()["stock"]["on_hand"] == 3


@pytest.fixture
async def quick_polls(tmp_path: Path, clock: FakeClock) -> Any:
    async with HubServer(hub_config(tmp_path, long_poll_max=0.3), clock=clock) as srv:
        yield srv


async def test_a_longer_wait_is_shortened_not_refused(quick_polls: HubServer) -> None:
    creds = await credentials(quick_polls)
    async with httpx.AsyncClient(base_url=quick_polls.http_url, timeout=10) as http:
        cart = {"Authorization": f"Bearer {creds['cart']}"}
        head = (await http.get("/api/cart/events", headers=cart)).json()["head_seq"]
        started = time.monotonic()
        r = await http.get("/api/cart/events", params={"after": head, "wait": 3600}, headers=cart)
        assert r.status_code == 200 and r.json()["messages"] == []
        assert time.monotonic() - started < 5  # held for long_poll_max, not an hour
        store = {"Authorization": f"Bearer {creds['store']}"}
        r = await http.get(
            f"/api/stores/{creds['store_id']}/events", params={"wait": 3600}, headers=store
        )
        assert r.status_code == 200
        poll = {"products": [{"store_id": creds["store_id"], "product_id": "mug", "version": 99}]}
        r = await http.post("/api/page/poll", json={**poll, "wait": 3600})
        assert r.status_code == 200


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_flood_gets_exactly_flood_strikes_errors_then_the_close(
    tmp_path: Path, clock: FakeClock, channel: str
) -> None:
    config = hub_config(tmp_path, rate_per_second=1, rate_burst=1, flood_strikes=7)
    async with HubServer(config, clock=clock) as server:
        creds = await credentials(server)
        async with peer(server, channel, ignore=("snapshot", "availability_snapshot")) as p:
            await p.hello(creds[channel])
            mug = {"store_id": creds["store_id"], "product_id": "mug"}
            harmless = (
                {"type": "subscribe", "products": [mug]}
                if channel == "page"
                else {"type": "sync", "id": "flood-001"}
            )
            for _ in range(20):
                await p.send(harmless)
            codes = []
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    frame = await p.recv()
                    if frame["type"] == "error":
                        codes.append(frame["code"])
        assert codes == ["rate_limited"] * 7
        assert closed.value.rcvd is not None and "flood" in closed.value.rcvd.reason


@pytest.mark.slow
async def test_sigterm_right_after_ready_stops_the_hub_cleanly(tmp_path: Path) -> None:
    for attempt in range(5):
        data = tmp_path / f"run{attempt}"
        data.mkdir()
        hub = await HubProcess(data).start()
        assert hub.proc is not None
        hub.proc.send_signal(signal.SIGTERM)  # at once: the ready line was just read
        assert await asyncio.wait_for(hub.proc.wait(), 20) == 0, (data / "hub.log").read_text()
        assert "shutting down" in (data / "hub.log").read_text()
        wal = data / "hub.sqlite3-wal"
        assert not wal.exists() or wal.stat().st_size == 0  # closed, not killed
