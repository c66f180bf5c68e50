"""The listeners themselves: discovery, Nagle off, unknown paths, the connection cap."""

from __future__ import annotations

import dataclasses
import socket

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from cartstart_server.server import HubServer
from tests.helpers.peers import peer


async def test_accepted_connections_have_nagle_off(server: HubServer) -> None:
    # Without TCP_NODELAY a second small frame waits ~40 ms for the peer's delayed ACK.
    async with peer(server, "page") as page:
        await page.hello()
        assert server.gateway.server is not None
        (conn,) = server.gateway.server.connections
        sock = conn.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


async def test_discovery_advertises_both_listeners(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    body = (await http.get("/.well-known/cartstart.json")).json()
    assert body["ws_url"] == server.ws_url and body["http_url"] == server.http_url
    assert body["protocol_versions"] == [1]
    assert body["channels"]["cart"] == f"{server.ws_url}/ws/cart"


async def test_unknown_websocket_path_is_refused_with_404(server: HubServer) -> None:
    with pytest.raises(InvalidStatus) as err:
        async with connect(f"{server.ws_url}/ws/nothing"):
            pass
    assert err.value.response.status_code == 404
    assert b"/ws/cart" in err.value.response.body


async def test_connection_cap_refuses_politely(server: HubServer) -> None:
    server.gateway.limits = dataclasses.replace(server.limits, max_connections=2)
    async with peer(server, "page"), peer(server, "page"):
        with pytest.raises(InvalidStatus) as err:
            async with connect(f"{server.ws_url}/ws/page"):
                pass
        assert err.value.response.status_code == 503
    async with peer(server, "page") as page:  # room again once others left
        assert (await page.hello())["channel"] == "page"
