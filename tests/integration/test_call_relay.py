"""Calls through a real TURN relay: a coturn on loopback (tests/helpers/turn.py) shares its secret
with the hub, two aiortc peers (the visitor with the session link, the store with its key) take
the hub's ICE servers and are held to relayed candidates only, signal through the hub's live
channel, and see each other's video; expired credentials get no allocation and no media.

The side that started the call makes the offer once the call is active; each side sends its SDP
without candidates, then each candidate as its own `rtc` frame and an empty one at the end, as a
browser trickles them (aiortc gathers before it answers, so they all follow the description)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy
import pytest
from aioice.stun import TransactionFailed
from aioice.turn import create_turn_endpoint
from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.sdp import candidate_from_sdp
from av import VideoFrame

from cartstart_server.clock import FakeClock
from cartstart_server.domain.calls import turn_credentials
from cartstart_server.server import HubServer
from shared_protocol.calls import trickled
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.peers import Frame, Peer, peer
from tests.helpers.turn import Turn, turn_server
from tests.integration.test_live import cid, live_hello, start_over_http

TTL = 600
ORANGE, BLUE = (240, 120, 16), (16, 64, 240)


@pytest.fixture(scope="module")
def turn() -> Iterator[Turn]:
    with turn_server() as relay:
        yield relay


class Colour(VideoStreamTrack):
    """A camera stand-in: small frames of one colour, so each side knows whose video it got."""

    def __init__(self, rgb: tuple[int, int, int]) -> None:
        super().__init__()
        self._image = numpy.full((120, 160, 3), rgb, dtype=numpy.uint8)

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self._image, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class CallSide:
    """One party: its live-channel connection (read by one pump: `rtc` frames go to the peer
    connection, the rest to `frames`) and an aiortc peer connection held to the relay."""

    def __init__(self, name: str, channel: Peer, ice: dict[str, Any], colour: Colour) -> None:
        self.name, self.channel, self.call_id = name, channel, ""
        servers = [
            RTCIceServer(urls=s["urls"], username=s["username"], credential=s["credential"])
            for s in ice["ice_servers"]
        ]
        self.turn_user = servers[0].username
        self.pc = RTCPeerConnection(
            RTCConfiguration(iceServers=servers, iceTransportPolicy=RTCIceTransportPolicy.RELAY)
        )
        self.track = colour
        self.pc.addTrack(colour)
        self.received: list[tuple[int, int, int]] = []  # mean colour of each decoded frame
        self.sent_candidates: list[str] = []
        self.errors: list[Frame] = []
        self.frames: asyncio.Queue[Frame] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self.pc.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        async def read() -> None:
            while True:
                try:
                    frame = await track.recv()
                except MediaStreamError:
                    return
                assert isinstance(frame, VideoFrame)
                rgb = frame.to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
                self.received.append((int(rgb[0]), int(rgb[1]), int(rgb[2])))

        self._tasks.append(asyncio.ensure_future(read()))

    def start(self, call_id: str) -> None:
        self.call_id = call_id
        self._tasks.append(asyncio.ensure_future(self._pump()))

    async def _pump(self) -> None:
        while True:
            frame = await self.channel.recv(within=60)
            if frame["type"] == "rtc":
                await self._take(frame)
            else:
                if frame["type"] == "error":
                    self.errors.append(frame)  # the hub refused something: the test fails
                await self.frames.put(frame)

    async def _take(self, frame: Frame) -> None:
        if frame["description"] is not None:
            description = RTCSessionDescription(**frame["description"])
            await self.pc.setRemoteDescription(description)
            if description.type == "offer":
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                await self.signal_description()
        elif frame["candidate"]["candidate"] == "":
            await self.pc.addIceCandidate(None)
        else:
            c = frame["candidate"]
            candidate = candidate_from_sdp(c["candidate"].removeprefix("candidate:"))
            candidate.sdpMid, candidate.sdpMLineIndex = c["sdpMid"], c["sdpMLineIndex"]
            await self.pc.addIceCandidate(candidate)

    async def offer(self) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self.signal_description()

    async def signal_description(self) -> None:
        """The local description without its candidates, then the candidates one by one."""
        local = self.pc.localDescription
        for body in trickled(local.type, local.sdp):
            candidate = body.get("candidate")
            if isinstance(candidate, dict) and candidate["candidate"]:
                self.sent_candidates.append(candidate["candidate"])
            await self._rtc(**body)

    async def _rtc(self, **body: Any) -> None:
        await self.channel.send({"type": "rtc", "call_id": self.call_id, **body})

    async def command(self, frame: Frame) -> Frame:
        """A command while the pump reads the channel: its reply comes through `frames`."""
        await self.channel.send(frame)
        while True:
            reply = await asyncio.wait_for(self.frames.get(), 5)
            if reply.get("id") == frame["id"]:
                return reply

    async def call_state(self, state: str) -> Frame:
        while True:
            frame = await asyncio.wait_for(self.frames.get(), 5)
            if frame["type"] == "call" and frame["call"]["state"] == state:
                return frame

    def selected_pair(self) -> tuple[Any, Any]:
        """The nominated (local, remote) candidates: aiortc has no public getter for them, so
        this reads aioice's connection under the ICE transport."""
        transport = self.pc.getTransceivers()[0].sender.transport.transport
        pair = transport._connection._nominated[1]
        return pair.local_candidate, pair.remote_candidate

    async def close(self) -> None:
        await self.pc.close()
        self.track.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


@asynccontextmanager
async def relay_hub(
    tmp_path: Path, turn: Turn, clock: FakeClock
) -> AsyncIterator[tuple[HubServer, httpx.AsyncClient]]:
    """A hub whose only ICE server is the coturn, with coturn's secret."""
    config = hub_config(tmp_path, turn_urls=[turn.url], turn_secret=turn.secret, turn_ttl=TTL)
    async with HubServer(config, clock=clock) as server:
        async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
            yield server, http


@asynccontextmanager
async def two_sides(
    server: HubServer, http: httpx.AsyncClient, turn: Turn
) -> AsyncIterator[tuple[CallSide, CallSide, str]]:
    """The visitor (session link) and the store (its key) in one live session, each with the
    hub's ICE servers; yields them and the session link."""
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    link, auth = await start_over_http(http, store_id)
    store_auth = {"Authorization": f"Bearer {key}"}
    ice = {}
    for who, headers in (("visitor", auth), ("store", store_auth)):
        r = await http.get("/api/live/ice-servers", headers=headers)
        assert r.status_code == 200, r.text
        ice[who] = r.json()
        assert [s["urls"] for s in ice[who]["ice_servers"]] == [[turn.url]]  # TURN only
    async with peer(server, "live") as v, peer(server, "live") as s:
        welcome = await live_hello(v, token=link)
        await live_hello(s, token=key, session_id=welcome["session_id"])
        visitor = CallSide("visitor", v, ice["visitor"], Colour(ORANGE))
        store = CallSide("store", s, ice["store"], Colour(BLUE))
        try:
            yield visitor, store, link
        finally:
            await visitor.close()
            await store.close()


async def ring_and_accept(visitor: CallSide, store: CallSide) -> str:
    """The visitor asks, the store accepts; both pumps run from here on."""
    asked = await visitor.channel.command({"type": "call", "id": cid()})
    call_id: str = asked["call"]["call_id"]
    visitor.start(call_id)
    store.start(call_id)
    await store.call_state("ringing")
    accepted = await store.command(
        {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
    )
    assert accepted["call"]["state"] == "active", accepted
    await visitor.call_state("active")
    return call_id


def near(rgb: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(rgb, expected, strict=True))


async def test_a_call_through_the_relay_carries_video_both_ways(tmp_path: Path, turn: Turn) -> None:
    clock = FakeClock(time.time())  # TURN credentials must hold in coturn's (real) time
    async with relay_hub(tmp_path, turn, clock) as (server, http):
        async with two_sides(server, http, turn) as (visitor, store, link):
            started = time.monotonic()
            call_id = await ring_and_accept(visitor, store)
            await visitor.offer()
            deadline = time.monotonic() + 15
            while min(len(visitor.received), len(store.received)) < 10:
                if store.pc.localDescription is not None:  # both sides have gathered
                    assert visitor.sent_candidates and store.sent_candidates, (
                        "no relayed candidate: coturn refused the allocation?\n"
                        + turn.log_text()[-4000:]
                    )
                assert time.monotonic() < deadline, (
                    f"frames: visitor {len(visitor.received)}, store {len(store.received)}; "
                    f"ICE {visitor.pc.iceConnectionState}/{store.pc.iceConnectionState}\n"
                    + turn.log_text()[-4000:]
                )
                await asyncio.sleep(0.05)
            media_after = time.monotonic() - started
            assert near(visitor.received[-1], BLUE) and near(store.received[-1], ORANGE)
            for side in (visitor, store):
                # Only relayed candidates were gathered, signalled and paired: on coturn's ports.
                assert side.sent_candidates and all(
                    " typ relay" in c for c in side.sent_candidates
                ), side.sent_candidates
                local, remote = side.selected_pair()
                assert (local.type, remote.type) == ("relay", "relay"), side.name
                for c in (local, remote):
                    assert c.host == "127.0.0.1" and turn.min_port <= c.port <= turn.max_port
            v_local, v_remote = visitor.selected_pair()
            s_local, s_remote = store.selected_pair()
            assert (v_local.port, v_remote.port) == (s_remote.port, s_local.port)
            assert media_after < 10
            assert visitor.errors == [] and store.errors == []
            clock.advance(3.5)
            ended = await store.command({"type": "hang_up", "id": cid(), "call_id": call_id})
            assert ended["call"]["end_reason"] == "hung_up", ended
            assert (await visitor.call_state("ended"))["call"]["duration"] == 3.5
        r = await http.get(
            "/api/live/session/events",
            params={"after": 0},
            headers={"Authorization": f"Bearer {link}"},
        )
        calls = [m["call"] for m in r.json()["messages"] if m["type"] == "call"]
        assert [c["state"] for c in calls] == ["ringing", "active", "ended"]
        assert {c["call_id"] for c in calls} == {call_id}
        assert calls[-1]["duration"] == 3.5 and calls[-1]["ended_by"] == "store"


async def test_expired_turn_credentials_get_no_relay_and_no_media(
    tmp_path: Path, turn: Turn
) -> None:
    clock = FakeClock(time.time() - 2 * TTL)  # the hub's credentials ran out TTL seconds ago
    async with relay_hub(tmp_path, turn, clock) as (server, http):
        async with two_sides(server, http, turn) as (visitor, store, link):
            r = await http.get("/api/live/ice-servers", headers={"Authorization": f"Bearer {link}"})
            body = r.json()
            assert body["expires_at"] < time.time() - TTL / 2
            relay = body["ice_servers"][0]
            # coturn refuses the allocation (401); the same secret with a later expiry is fine.
            with pytest.raises(TransactionFailed) as refused:
                await allocate(turn, relay["username"], relay["credential"])
            assert refused.value.response.attributes["ERROR-CODE"][0] == 401
            user = relay["username"].split(":", 1)[1]
            await allocate(turn, *turn_credentials(turn.secret, user, int(time.time()) + 60))

            call_id = await ring_and_accept(visitor, store)
            await visitor.offer()
            deadline = time.monotonic() + 10
            while visitor.pc.remoteDescription is None:  # the offer and answer went through
                assert time.monotonic() < deadline, "no answer"
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.5)  # a relayed call connects within this (the test above)
            # No relayed candidate, so nothing to signal and nothing to pair. aiortc then never
            # starts ICE (its state stays "new", never "failed", unlike a browser): a client
            # must time out on its own and hang up with `connection_lost`.
            assert visitor.sent_candidates == [] and store.sent_candidates == []
            for side in (visitor, store):
                assert side.pc.iceConnectionState in ("new", "failed"), side.name
                assert side.pc.connectionState != "connected" and side.received == []
            log = turn.log_text().splitlines()
            for side in (visitor, store):  # coturn refused each side's own credentials
                assert any(f"user <{side.turn_user}>" in x and "error 401" in x for x in log)
            assert visitor.errors == [] and store.errors == []
            lost = await visitor.command(
                {"type": "hang_up", "id": cid(), "call_id": call_id, "reason": "connection_lost"}
            )
            assert lost["call"]["end_reason"] == "connection_lost", lost
            assert (await store.call_state("ended"))["call"]["ended_by"] == "visitor"


async def allocate(turn: Turn, username: str, password: str) -> None:
    """One TURN allocation with these credentials, released at once (raises if refused)."""
    transport, _ = await create_turn_endpoint(
        asyncio.DatagramProtocol,
        server_addr=(turn.host, turn.port),
        username=username,
        password=password,
    )
    transport.close()
