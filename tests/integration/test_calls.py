"""Calls in live sessions, the hub's part: the call's life recorded once in the session's stream,
signalling relayed between the session's two sides only, rings that run out, a busy seller, a
side that leaves, bad signalling, TURN credentials. Real hub, real sockets, both backends."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.peers import Peer, peer
from tests.integration.test_live import cid, live_hello, start_over_http

OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
}


async def until(p: Peer, kind: str, **match: Any) -> dict[str, Any]:
    while True:
        frame = await p.recv()
        if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
            return frame


@asynccontextmanager
async def both_sides(
    server: HubServer, http: httpx.AsyncClient, store_id: str, key: str
) -> AsyncIterator[tuple[Peer, Peer, str]]:
    link, _ = await start_over_http(http, store_id)
    async with peer(server, "live") as visitor, peer(server, "live") as store:
        welcome = await live_hello(visitor, token=link)
        await until(visitor, "live_snapshot")
        await live_hello(store, token=key, session_id=welcome["session_id"])
        await until(store, "live_snapshot")
        await until(visitor, "presence", store=True)
        yield visitor, store, link


async def test_a_call_asked_answered_signalled_and_hung_up(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with both_sides(server, http, store_id, key) as (visitor, store, link):
        asked = await visitor.command({"type": "call", "id": cid()})
        call_id = asked["call"]["call_id"]
        assert asked["call"]["state"] == "ringing" and asked["call"]["started_by"] == "visitor"
        assert (await until(store, "call"))["call"]["state"] == "ringing"
        accepted = await store.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
        )
        assert accepted["call"]["state"] == "active"
        busy = await until(visitor, "seller_busy")
        assert busy["busy"] is True
        await visitor.send(
            {"type": "rtc", "call_id": call_id, "description": {"type": "offer", "sdp": OFFER}}
        )
        relayed = await until(store, "rtc")
        assert relayed["side"] == "visitor" and relayed["description"]["sdp"] == OFFER
        await store.send({"type": "rtc", "call_id": call_id, "candidate": CANDIDATE})
        assert (await until(visitor, "rtc"))["candidate"] == CANDIDATE
        await visitor.send(
            {"type": "media", "call_id": call_id, "camera": False, "microphone": True}
        )
        media = await until(store, "media")
        assert media["side"] == "visitor" and media["camera"] is False
        clock.advance(42.5)
        ended = await store.command({"type": "hang_up", "id": cid(), "call_id": call_id})
        assert ended["call"]["end_reason"] == "hung_up" and ended["call"]["duration"] == 42.5
        again = await visitor.command({"type": "hang_up", "id": cid(), "call_id": call_id})
        assert again["call"]["ended_by"] == "store"  # ended once
        assert (await until(visitor, "seller_busy"))["busy"] is False
    snap = (await http.get("/api/live/session", headers={"Authorization": f"Bearer {link}"})).json()
    assert snap["call"] is None and snap["seller_busy"] is False
    r = await http.get(
        "/api/live/session/events", params={"after": 0}, headers={"Authorization": f"Bearer {link}"}
    )
    states = [m["call"]["state"] for m in r.json()["messages"] if m["type"] == "call"]
    assert states == ["ringing", "active", "ended"]  # each step once, in the stream


async def test_a_ring_nobody_answers_ends_after_the_ring_time(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with both_sides(server, http, store_id, key) as (visitor, store, _link):
        rang = await store.command({"type": "call", "id": cid()})
        assert rang["call"]["started_by"] == "store"
        await until(visitor, "call")
        clock.advance(29)
        await store.send({"type": "sync", "id": cid()})
        assert (await until(store, "live_snapshot"))["call"]["state"] == "ringing"  # still
        clock.advance(2)
        ended = await until(visitor, "call")
        assert ended["call"]["state"] == "ended" and ended["call"]["end_reason"] == "unanswered"
        late = await visitor.command(
            {"type": "answer_call", "id": cid(), "call_id": rang["call"]["call_id"], "accept": True}
        )
        assert late["code"] == "invalid_state"


async def test_declined_busy_and_a_side_that_leaves(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with both_sides(server, http, store_id, key) as (visitor, store, _link):
        asked = await visitor.command({"type": "call", "id": cid()})
        call_id = asked["call"]["call_id"]
        own = await visitor.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
        )
        assert own["code"] == "forbidden"  # the asking side does not answer itself
        declined = await store.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": False}
        )
        assert declined["call"]["end_reason"] == "declined"
        asked = await visitor.command({"type": "call", "id": cid()})
        running = asked["call"]["call_id"]
        await store.command(
            {"type": "answer_call", "id": cid(), "call_id": running, "accept": True}
        )
        # Another visitor sees the seller busy, and asking anyway ends at once as busy.
        async with both_sides(server, http, store_id, key) as (other, _store2, _l2):
            await other.send({"type": "sync", "id": cid()})
            snap = await until(other, "live_snapshot")
            assert snap["seller_busy"] is True
            refused = await other.command({"type": "call", "id": cid()})
            assert refused["call"]["state"] == "ended" and refused["call"]["end_reason"] == "busy"
        await visitor.close()  # the visitor leaves the page mid-call
        gone = await until(store, "call")
        while gone["call"]["call_id"] != running or gone["call"]["state"] != "ended":
            gone = await until(store, "call")
        assert gone["call"]["end_reason"] == "peer_gone" and gone["call"]["ended_by"] == "visitor"


async def test_only_the_sessions_two_sides_signal_and_bad_signalling_is_refused(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with both_sides(server, http, store_id, key) as (visitor, store, _link):
        asked = await visitor.command({"type": "call", "id": cid()})
        call_id = asked["call"]["call_id"]
        async with both_sides(server, http, store_id, key) as (stranger, _s, _l):
            await stranger.send({"type": "rtc", "call_id": call_id, "candidate": CANDIDATE})
            error = await until(stranger, "error")
            assert error["code"] == "not_found"  # another session's call is no call at all
        bad_sdp = {"type": "offer", "sdp": "<script>alert(1)</script>"}
        await visitor.send({"type": "rtc", "call_id": call_id, "description": bad_sdp})
        error = await until(visitor, "error")
        assert error["code"] == "invalid_message" and "v=0" in error["message"]
        await visitor.send(
            {"type": "rtc", "call_id": call_id, "candidate": {**CANDIDATE, "candidate": "nope"}}
        )
        assert (await until(visitor, "error"))["code"] == "invalid_message"
        ok = await visitor.command({"type": "hang_up", "id": cid(), "call_id": call_id})
        assert ok["type"] == "result"  # the connection goes on; nothing else ended
        await store.send({"type": "sync", "id": cid()})
        assert (await until(store, "live_snapshot"))["call"] is None


async def test_turn_credentials_follow_the_rest_convention(
    tmp_path: Path, clock: FakeClock
) -> None:
    config = hub_config(
        tmp_path,
        stun_urls=["stun:127.0.0.1:3478"],
        turn_urls=["turn:127.0.0.1:3478?transport=udp"],
        turn_secret="north-sea",
        turn_ttl=600,
    )
    async with HubServer(config, clock=clock) as server:
        store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
        async with httpx.AsyncClient(base_url=server.http_url) as http:
            _link, auth = await start_over_http(http, store_id)
            r = await http.get("/api/live/ice-servers", headers=auth)
            assert r.status_code == 200, r.text
            body = r.json()
            stun, turn = body["ice_servers"]
            assert stun == {"urls": ["stun:127.0.0.1:3478"], "username": None, "credential": None}
            expires, user = turn["username"].split(":", 1)
            assert int(expires) == int(clock.now() + 600) == body["expires_at"]
            assert user.startswith("visitor-")
            digest = hmac.new(b"north-sea", turn["username"].encode(), hashlib.sha1).digest()
            assert turn["credential"] == base64.b64encode(digest).decode()
            r = await http.get("/api/live/ice-servers", headers={"Authorization": f"Bearer {key}"})
            assert r.json()["ice_servers"][1]["username"].endswith(f"store-{store_id}")
            r = await http.get("/api/live/ice-servers")
            assert r.status_code == 401


async def test_without_turn_settings_no_relay_is_offered(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await seed_store(server.hub, "Shop", {"mug": 1})
    _link, auth = await start_over_http(http, store_id)
    body = (await http.get("/api/live/ice-servers", headers=auth)).json()
    assert body["ice_servers"] == []


async def test_the_lobby_shows_a_visitor_asking_for_a_call(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with both_sides(server, http, store_id, key) as (visitor, store, _link):
        async with peer(server, "live") as lobby:
            await live_hello(lobby, token=key)
            await until(lobby, "lobby")
            asked = await visitor.command({"type": "call", "id": cid()})
            calling = await until(lobby, "session_activity")
            assert calling["session"]["calling"] is True
            await store.command(
                {
                    "type": "answer_call",
                    "id": cid(),
                    "call_id": asked["call"]["call_id"],
                    "accept": False,
                }
            )
            answered = await until(lobby, "session_activity")
            assert answered["session"]["calling"] is False
            r = await http.get(
                f"/api/stores/{store_id}/live/sessions", headers={"Authorization": f"Bearer {key}"}
            )
            assert r.json()["sessions"][0]["calling"] is False
