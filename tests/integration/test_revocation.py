"""Revoked, replaced or expired credentials reach the connections already open with them,
within a second, on one node and across nodes."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.peers import Peer, link_token, peer, sign_up
from tests.helpers.process import CLI, HubProcess, add_store, cli_env


async def ended_within(p: Peer, seconds: float, reason: str) -> float:
    """The connection says why (an `unauthorized` error) and closes with 1008; how long it took."""
    started = time.monotonic()
    error = await p.expect("error", within=seconds)
    assert error["code"] == "unauthorized" and reason in error["message"], error
    with pytest.raises(ConnectionClosed) as closed:
        await p.recv(within=seconds)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    return time.monotonic() - started


async def test_logging_out_ends_the_open_cart_connection(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "cart", ignore=("availability",)) as cart:
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        r = await http.delete("/api/sessions/current", headers=alice.auth)
        assert r.status_code == 204
        assert await ended_within(cart, 1.0, "revoked") < 1.0
    (level,) = await server.hub.carts.availability([(store_id, "mug")])
    assert level.available == 5  # nothing was reserved with the dead session


async def test_a_replaced_store_key_ends_the_open_store_connection(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, old_key = await seed_store(server.hub, "Shop", {"mug": 5})
    async with peer(server, "store") as store:
        await store.hello(old_key)
        await store.expect("snapshot")
        new_key = await server.hub.identity.rotate_store_key(store_id)
        assert await ended_within(store, 1.0, "replaced") < 1.0
    r = await http.get(f"/api/stores/{store_id}", headers={"Authorization": f"Bearer {old_key}"})
    assert r.status_code == 401
    async with peer(server, "store") as store:  # the new key works, and its connection stays
        await store.hello(new_key)
        await store.expect("snapshot")
        reply = await store.command(
            {"type": "set_stock", "id": "revoke-01", "product_id": "mug", "on_hand": 4}
        )
        assert reply["type"] == "result"


async def test_a_revoked_link_leaves_the_page_live_but_unlinked(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 5})
    alice = await sign_up(http, "alice@example.org")
    token = await link_token(http, alice)
    token_id = (await http.get("/api/cart/link-tokens", headers=alice.auth)).json()[0]["token_id"]
    mug = {"store_id": store_id, "product_id": "mug"}
    async with peer(server, "page") as page:
        assert (await page.hello(token))["linked"] is True
        await page.send({"type": "subscribe", "products": [mug]})
        await page.expect("availability_snapshot")
        started = time.monotonic()
        r = await http.delete(f"/api/cart/link-tokens/{token_id}", headers=alice.auth)
        assert r.status_code == 204
        error = await page.expect("error", within=1.0)
        assert error["code"] == "unauthorized" and time.monotonic() - started < 1.0
        reply = await page.command({"type": "add_to_cart", "id": "revoke-02", **mug})
        assert reply["code"] == "unauthorized"
        await page.send({"type": "subscribe", "products": [mug]})  # still shows live counts
        assert (await page.expect("availability_snapshot"))["items"][0]["available"] == 5


async def test_an_expired_session_ends_its_open_connection(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "cart") as cart:
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        clock.advance(server.config.session_ttl - 10)
        with pytest.raises(TimeoutError):
            await cart.recv(within=0.3)  # not yet
        clock.advance(20)
        await ended_within(cart, 2.0, "expired")


@pytest.mark.backends("postgres")
async def test_revocation_reaches_connections_on_another_node(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    a = HubServer(hub_config(tmp_path / "a", **backend_settings), clock=clock)
    b = HubServer(hub_config(tmp_path / "b", **backend_settings), clock=clock)
    await a.start()
    await b.start()
    try:
        store_id, key = await seed_store(a.hub, "Shop", {"mug": 5})
        async with httpx.AsyncClient(base_url=b.http_url) as http_b:
            alice = await sign_up(http_b, "alice@example.org")
            async with peer(a, "cart") as cart, peer(a, "store") as store:
                await cart.hello(alice.token)
                await cart.expect("snapshot")
                await store.hello(key)
                await store.expect("snapshot")
                await http_b.delete("/api/sessions/current", headers=alice.auth)
                assert await ended_within(cart, 1.0, "revoked") < 1.0
                await b.hub.identity.rotate_store_key(store_id)  # on node B
                assert await ended_within(store, 1.0, "replaced") < 1.0
    finally:
        await a.stop()
        await b.stop()


@pytest.mark.slow
@pytest.mark.backends("sqlite")
async def test_a_key_replaced_from_the_command_line_ends_the_running_hubs_connection(
    tmp_path: Path,
) -> None:
    """The CLI is another process beside the running hub: it reaches it through the journal."""
    store_id, key = add_store(tmp_path, "Shop")
    hub = await HubProcess(tmp_path).start()
    try:
        async with peer(hub, "store") as store:
            await store.hello(key)
            await store.expect("snapshot")
            rotated = await asyncio.to_thread(
                subprocess.run,
                [*CLI, "store", "rotate-key", store_id, "--data-dir", str(tmp_path)],
                capture_output=True, text=True, env=cli_env(), check=True,
            )  # fmt: skip
            assert "api key:" in rotated.stdout  # committed: the hub has a second to notice
            assert await ended_within(store, 1.0, "replaced") < 1.0
    finally:
        assert await hub.stop() == 0


@pytest.mark.slow
@pytest.mark.backends("sqlite")
async def test_an_agent_removed_from_the_command_line_is_closed_on_the_running_hub(
    tmp_path: Path,
) -> None:
    """docs/agents.md: the CLI adds an agent (the invitation code), the agent signs in on the
    running hub, and a removal from the CLI closes their console through the journal."""
    store_id, _ = add_store(tmp_path, "Shop")

    def cli(*args: str) -> str:
        done = subprocess.run(
            [*CLI, "store", *args, "--data-dir", str(tmp_path)],
            capture_output=True, text=True, env=cli_env(), check=True,
        )  # fmt: skip
        return done.stdout

    added = await asyncio.to_thread(
        cli, "add-agent", store_id, "--email", "ana@example.org", "--name", "Ana"
    )
    fields = dict(line.split(": ", 1) for line in added.splitlines() if ": " in line)
    hub = await HubProcess(tmp_path).start()
    try:
        async with httpx.AsyncClient(base_url=hub.http_url) as http:
            body = {"code": fields["invite code"], "password": "correct horse battery"}
            signed = (await http.post("/api/agent-invites", json=body)).json()
        listed = await asyncio.to_thread(cli, "agents", store_id)
        assert "ana@example.org\tAna\tagent\tactive" in listed
        async with peer(hub, "store") as store:
            await store.hello(signed["token"])
            await store.expect("snapshot")
            await asyncio.to_thread(cli, "remove-agent", store_id, fields["agent id"])
            assert await ended_within(store, 1.0, "removed") < 1.0
    finally:
        assert await hub.stop() == 0
