"""The desktop cart's calls against a real hub (both backends): a call whose media never
connects ends as lost on both sides, a store that leaves mid-call ends it as gone, a cart polling
cannot ask, and the cart's ICE route answers only for the cart's own sessions. The store is a
raw connection on the live channel, so it can misbehave (take the call, never signal)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from cartstart_desktop.core.call_devices import CallDevices
from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.credentials import MemoryCredentials
from cartstart_desktop.core.live_desk import OpenSession
from cartstart_desktop.core.session import CartSession
from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually
from tests.integration.test_calls import OFFER, until
from tests.integration.test_live import cid, live_hello, start_over_http

PASSWORD = "correct horse battery"


@pytest.fixture
async def cart(server: HubServer, tmp_path: Path) -> AsyncIterator[CartSession]:
    session = CartSession(tmp_path / "home", MemoryCredentials(), open_url=lambda _: None)
    await session.open()
    await session.account.log_in(server.http_url, "ana@example.org", PASSWORD, create_account=True)
    yield session
    await session.close()


async def opened_session(cart: CartSession, http: httpx.AsyncClient, store_id: str) -> OpenSession:
    link, _ = await start_over_http(http, store_id)
    entry = await cart.live.attach(link)
    cart.live.call_devices = lambda: CallDevices(None, None, None)
    cart.live.call_connect_within = 1.5
    opened = cart.live.open(entry.session_id)
    await eventually(lambda: opened.model.status is Status.WEBSOCKET, what="connected")
    return opened


async def test_a_call_that_never_connects_is_lost_and_a_store_that_leaves_ends_it(
    server: HubServer, http: httpx.AsyncClient, cart: CartSession
) -> None:
    store_id, key = await seed_store(server.hub, "Harbour", {"mug": 1})
    opened = await opened_session(cart, http, store_id)
    call = opened.call
    async with peer(server, "live") as store:
        await live_hello(store, token=key, session_id=opened.session_id)
        await until(store, "live_snapshot")

        # The store takes the call and then never answers the desktop's offer.
        await call.ask()
        ringing = await until(store, "call")
        call_id = ringing["call"]["call_id"]
        await store.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
        )
        offer = await until(store, "rtc", call_id=call_id)
        assert offer["side"] == "visitor" and offer["description"]["type"] == "offer"
        assert "a=candidate" not in offer["description"]["sdp"]  # candidates come one by one
        candidate = await until(store, "rtc", call_id=call_id)
        assert candidate["candidate"]["candidate"].startswith("candidate:")
        media = await until(store, "media", call_id=call_id)
        assert media["camera"] is False  # the shopper's camera is off until turned on

        # No answer, no candidates: after the time allowed, the desktop hangs up as lost.
        ended = await until(store, "call")
        while ended["call"]["state"] != "ended":
            ended = await until(store, "call")
        assert ended["call"]["call_id"] == call_id
        assert ended["call"]["end_reason"] == "connection_lost"
        assert ended["call"]["ended_by"] == "visitor"
        await eventually(lambda: call.media is None and call.watch.current is None)
        assert call.watch.status_text(0).endswith("the connection was lost.")

        # A second call: the store leaves in the middle of it.
        await call.ask()
        second = (await until(store, "call"))["call"]["call_id"]
        await store.command({"type": "answer_call", "id": cid(), "call_id": second, "accept": True})
        await eventually(lambda: call.media is not None, what="media for the second call")
    await eventually(lambda: call.watch.current is None and call.media is None, what="ended")
    assert call.watch.ended is not None and call.watch.ended.end_reason == "peer_gone"
    assert call.watch.status_text(0).endswith("Harbour left the page.")


async def test_a_polling_cart_is_told_calls_need_a_websocket(
    server: HubServer, http: httpx.AsyncClient, cart: CartSession
) -> None:
    store_id, _ = await seed_store(server.hub, "Harbour", {"mug": 1})
    opened = await opened_session(cart, http, store_id)
    said: list[str] = []
    opened.call.trouble.connect(said.append)
    cart.set_force_polling(True)
    await eventually(lambda: opened.model.status is Status.POLLING, what="polling")
    await opened.call.ask()
    assert said and "live connection" in said[0]
    assert opened.call.watch.current is None


async def test_the_carts_ice_route_serves_only_the_carts_own_sessions(
    server: HubServer, http: httpx.AsyncClient, cart: CartSession
) -> None:
    store_id, _ = await seed_store(server.hub, "Harbour", {"mug": 1})
    opened = await opened_session(cart, http, store_id)
    api = cart.link.api
    assert api is not None
    ice = await api.live_ice_servers(opened.session_id)
    assert isinstance(ice["ice_servers"], list) and ice["expires_at"] > 0
    # Another session of the store, never attached to this cart: not this cart's to call in.
    _, other_auth = await start_over_http(http, store_id)
    other = (await http.get("/api/live/session", headers=other_auth)).json()["session"]
    r = await http.get(
        f"/api/cart/live-sessions/{other['session_id']}/ice-servers",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert r.status_code == 404, r.text
    anonymous = await http.get(f"/api/cart/live-sessions/{opened.session_id}/ice-servers")
    assert anonymous.status_code == 401


async def test_a_call_taken_in_the_browser_is_neither_joined_nor_ended_by_the_desktop(
    server: HubServer, http: httpx.AsyncClient, cart: CartSession
) -> None:
    """The shopper attached the session from the page, which is still open: the call asked
    for there is the page's. The desktop says so, sends no signalling, and closing its window
    leaves the call running."""
    store_id, key = await seed_store(server.hub, "Harbour", {"mug": 1})
    link, _ = await start_over_http(http, store_id)
    entry = await cart.live.attach(link)
    cart.live.call_devices = lambda: CallDevices(None, None, None)
    cart.live.call_connect_within = 1.0
    opened = cart.live.open(entry.session_id)
    await eventually(lambda: opened.model.status is Status.WEBSOCKET, what="connected")
    call = opened.call
    async with peer(server, "live") as store, peer(server, "live") as page:
        await live_hello(store, token=key, session_id=opened.session_id)
        await until(store, "live_snapshot")
        await live_hello(page, token=link)
        await until(page, "live_snapshot")
        asked = await page.command({"type": "call", "id": cid()})
        call_id = asked["call"]["call_id"]
        await store.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
        )
        await eventually(lambda: call.watch.active, what="active, as the desktop sees it")
        assert call.watch.elsewhere and call.media is None
        assert call.watch.status_text(0).endswith("in another window (your browser)")
        await call.hang_up()  # not this cart's to end
        await cart.live.close(opened.session_id)
        await asyncio.sleep(1.5)  # longer than the desktop would wait for a connection
        snapshot = await http.get(
            f"/api/stores/{store_id}/live/sessions/{opened.session_id}",
            headers={"Authorization": f"Bearer {key}"},
        )
        assert snapshot.json()["call"]["state"] == "active"
        # Nothing from the desktop reached the store: the page's call has no second offer.
        await page.send(
            {"type": "rtc", "call_id": call_id, "description": {"type": "offer", "sdp": OFFER}}
        )
        relayed = await until(store, "rtc")
        assert relayed["side"] == "visitor" and relayed["description"]["sdp"] == OFFER


async def test_two_quick_asks_send_one_call(
    server: HubServer, http: httpx.AsyncClient, cart: CartSession
) -> None:
    store_id, _ = await seed_store(server.hub, "Harbour", {"mug": 1})
    opened = await opened_session(cart, http, store_id)
    await asyncio.gather(opened.call.ask(), opened.call.ask())
    assert opened.call.watch.ringing and not opened.call.busy
    r = await http.get(
        f"/api/cart/live-sessions/{opened.session_id}/events",
        params={"after": 0},
        headers={"Authorization": f"Bearer {cart.link.api.token}"},  # type: ignore[union-attr]
    )
    assert [m["call"]["state"] for m in r.json()["messages"] if m["type"] == "call"] == ["ringing"]
