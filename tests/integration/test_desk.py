"""The agents' workspace and the pages' "Talk to us" (docs/agents.md), on SQLite with the
memory roster and on PostgreSQL with Redis: an agent is available only while Available and
connected to /ws/desk (beating); the store's pages hear `talk` flip at once, on one node and
across nodes; the key is refused on the desk; one store's agents hear nothing of another's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.conftest import Nodes
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer, peer
from tests.integration.test_agents import agent_signed_in, bearer
from tests.integration.test_revocation import ended_within

ORIGIN = "https://shop.example"


async def workspace(http: httpx.AsyncClient, store_id: str, key: str, on: bool) -> None:
    r = await http.put(f"/api/stores/{store_id}/live", json={"workspace": on}, headers=bearer(key))
    assert r.status_code == 200 and r.json()["workspace"] is on, r.text


async def shop_with_agent(
    server: HubServer, http: httpx.AsyncClient, *, on: bool = True, name: str = "Shop"
) -> tuple[str, str, dict[str, Any]]:
    store_id, key = await seed_store(server.hub, name, {"mug": 3}, origins=[ORIGIN])
    await workspace(http, store_id, key, on)
    signed = await agent_signed_in(http, store_id, key, f"ana@{name.lower()}.example")
    return store_id, key, signed


@asynccontextmanager
async def desk(server: HubServer, token: str) -> AsyncIterator[tuple[Peer, dict[str, Any]]]:
    """An open desk after its welcome: the peer and its first snapshot."""
    async with peer(server, "desk") as d:
        welcome = await d.hello(token)
        assert welcome["channel"] == "desk"
        snap = await d.expect("desk_snapshot")
        yield d, snap


@asynccontextmanager
async def talk_page(server: HubServer, store_id: str) -> AsyncIterator[tuple[Peer, dict[str, Any]]]:
    """A store page following the store's talk entry: the peer and the first `talk`."""
    async with peer(server, "page", additional_headers={"Origin": ORIGIN}) as page:
        await page.hello()
        await page.send({"type": "watch_talk", "store_id": store_id})
        yield page, await page.expect("talk")


async def set_status(d: Peer, status: str, n: int = 1) -> dict[str, Any]:
    reply = await d.command(
        {"type": "set_status", "id": f"status-{status}-{n:04d}", "status": status}
    )
    assert reply["type"] == "result", reply
    return dict(reply["agent"])


async def next_talk(page: Peer) -> dict[str, Any]:
    return await page.expect("talk")


async def sync(d: Peer, command_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The desk's snapshot for this sync, and the frames that came before it."""
    await d.send({"type": "sync", "id": command_id})
    before = d.take_held()
    while (frame := await d.recv())["type"] != "desk_snapshot" or frame["id"] != command_id:
        before.append(frame)
    return frame, before


async def next_of(d: Peer, kind: str) -> dict[str, Any]:
    """The next frame of `kind`, skipping the others (held ones included)."""
    while (frame := await d.recv())["type"] != kind:
        pass
    return frame


async def test_talk_follows_the_agents_status_and_their_last_desk(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    ana = signed["agent"]["agent_id"]
    async with talk_page(server, store_id) as (page, talk):
        assert (talk["enabled"], talk["available"]) == (True, False)
        async with desk(server, signed["token"]) as (d1, snap):
            (me,) = snap["agents"]
            assert me["agent_id"] == ana and me["status"] == "away" and me["connected"] is True
            assert snap["talk"]["available"] is False
            agent = await set_status(d1, "available")
            assert agent["available"] is True
            flipped = await next_talk(page)
            assert flipped["available"] is True and flipped["version"] > talk["version"]
            await set_status(d1, "away", 2)
            assert (await next_talk(page))["available"] is False
            await set_status(d1, "available", 3)
            assert (await next_talk(page))["available"] is True
            # A second desk of the same agent: closing it keeps Ana available.
            d1.take_held()  # what the status changes said (each before its answer)
            async with desk(server, signed["token"]) as (_, snap2):
                assert snap2["agents"][0]["available"] is True
            changed = await next_of(d1, "agent_changed")  # d2 opened
            assert changed["agent"]["connected"] is True
            changed = await next_of(d1, "agent_changed")  # d2 closed, d1 still open
            assert changed["agent"]["available"] is True
        # The last desk closed: nobody can be reached.
        gone = await next_talk(page)
        assert gone["available"] is False and gone["enabled"] is True
    # The choice is kept: a new desk finds Ana Available, and she is reachable again.
    async with talk_page(server, store_id) as (page, talk):
        assert talk["available"] is False
        async with desk(server, signed["token"]) as (_, snap):
            assert snap["agents"][0]["status"] == "available"
            assert (await next_talk(page))["available"] is True


async def test_an_open_workspace_hears_the_team_change(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    """Added, promoted, removed: the team list of an open Workspace follows without a reload."""
    store_id, key, signed = await shop_with_agent(server, http)
    async with desk(server, signed["token"]) as (d, snap):
        assert [a["name"] for a in snap["agents"]] == ["Ana"]
        body = {"email": "bo@example.org", "name": "Bo"}
        r = await http.post(f"/api/stores/{store_id}/agents", json=body, headers=bearer(key))
        bo = r.json()["agent"]["agent_id"]
        added = await next_of(d, "agent_changed")
        assert added["agent_id"] == bo and added["agent"]["name"] == "Bo"
        path = f"/api/stores/{store_id}/agents/{bo}"
        await http.patch(path, json={"role": "owner"}, headers=bearer(key))
        promoted = await next_of(d, "agent_changed")
        assert promoted["agent_id"] == bo and promoted["agent"]["role"] == "owner"
        body = {"email": "cy@example.org", "name": "Cy"}
        r = await http.post(f"/api/stores/{store_id}/agents", json=body, headers=bearer(key))
        cy = r.json()["agent"]["agent_id"]
        assert (await next_of(d, "agent_changed"))["agent_id"] == cy
        gone = await http.delete(f"/api/stores/{store_id}/agents/{cy}", headers=bearer(key))
        assert gone.status_code == 204
        removed = await next_of(d, "agent_changed")
        assert removed["agent_id"] == cy and removed["gone"] is True


async def test_a_silent_desk_stops_counting_after_45_seconds(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    async with talk_page(server, store_id) as (page, _), desk(server, signed["token"]) as (d, _):
        await set_status(d, "available")
        assert (await next_talk(page))["available"] is True
        clock.advance(30)
        await d.send({"type": "beat"})
        await sync(d, "sync-00000001")  # the beat was handled
        clock.advance(30)  # 30 s since the beat: still here
        snap, _ = await sync(d, "sync-00000002")
        assert snap["agents"][0]["available"] is True
        clock.advance(16)  # 46 s since the beat: the sweeper forgets the desk
        assert (await next_talk(page))["available"] is False
        changed = await next_of(d, "agent_changed")
        assert changed["agent"]["connected"] is False and changed["agent"]["status"] == "available"
        await d.send({"type": "beat"})  # it was only slow: counted again
        assert (await next_talk(page))["available"] is True


async def test_with_the_workspace_off_pages_get_no_entry(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, signed = await shop_with_agent(server, http, on=False)
    async with talk_page(server, store_id) as (page, talk):
        assert (talk["enabled"], talk["available"]) == (False, False)
        async with desk(server, signed["token"]) as (d, snap):
            assert snap["talk"]["enabled"] is False
            await set_status(d, "available")
            await workspace(http, store_id, key, True)
            on = await next_talk(page)
            assert (on["enabled"], on["available"]) == (True, True)
            assert (await next_of(d, "talk"))["available"] is True  # the desk hears it too
            await workspace(http, store_id, key, False)
            off = await next_talk(page)
            assert (off["enabled"], off["available"]) == (False, False)
    r = await http.get(f"/api/page/talk/{store_id}", headers={"Origin": ORIGIN})
    assert r.status_code == 200 and r.json()["enabled"] is False
    assert r.headers["access-control-allow-origin"] == ORIGIN


async def test_the_store_key_is_refused_on_the_desk(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    _, key, _ = await shop_with_agent(server, http)
    async with peer(server, "desk") as d:
        await d.send({"type": "hello", "versions": [1], "token": key})
        error = await d.expect("error")
        assert error["code"] == "forbidden" and "the workspace is for agents" in error["message"]
        with pytest.raises(ConnectionClosed) as closed:
            await d.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    async with peer(server, "desk") as d:
        await d.send({"type": "hello", "versions": [1], "token": "csa.nothing.here"})
        assert (await d.expect("error"))["code"] == "unauthorized"


async def test_another_stores_agent_hears_nothing_of_this_store(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a_id, _, ana = await shop_with_agent(server, http, name="Harbour")
    b_id, _, bo = await shop_with_agent(server, http, name="Lantern")
    async with desk(server, bo["token"]) as (b_desk, b_snap):
        assert [x["agent_id"] for x in b_snap["agents"]] == [bo["agent"]["agent_id"]]
        assert b_snap["store_id"] == b_id
        async with desk(server, ana["token"]) as (a_desk, _):
            await set_status(a_desk, "available")
        snap, before = await sync(b_desk, "sync-b-0001")
        assert snap["store_id"] == b_id
        assert [x["agent_id"] for x in snap["agents"]] == [bo["agent"]["agent_id"]]
        assert before == []  # nothing of Harbour arrived before the answer
    assert a_id != b_id


async def test_removing_the_agent_closes_the_desk_and_the_entry_goes(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, signed = await shop_with_agent(server, http)
    agent_id = signed["agent"]["agent_id"]
    async with talk_page(server, store_id) as (page, _), desk(server, signed["token"]) as (d, _):
        await set_status(d, "available")
        assert (await next_talk(page))["available"] is True
        r = await http.delete(f"/api/stores/{store_id}/agents/{agent_id}", headers=bearer(key))
        assert r.status_code == 204
        d.ignore = ("agent_changed", "talk")
        d.take_held()
        assert await ended_within(d, 1.0, "removed") < 1.0
        assert (await next_talk(page))["available"] is False


async def test_signing_out_closes_the_desk(server: HubServer, http: httpx.AsyncClient) -> None:
    _, _, signed = await shop_with_agent(server, http)
    async with desk(server, signed["token"]) as (d, _):
        r = await http.delete("/api/agent-sessions/current", headers=bearer(signed["token"]))
        assert r.status_code == 204
        d.ignore = ("agent_changed", "talk")
        assert await ended_within(d, 1.0, "sign in again") < 1.0


async def test_talk_over_http_long_polls_a_flip(server: HubServer, http: httpx.AsyncClient) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    first = (await http.get(f"/api/page/talk/{store_id}")).json()
    assert (first["enabled"], first["available"]) == (True, False)
    async with desk(server, signed["token"]) as (d, _):
        now = (await http.get(f"/api/page/talk/{store_id}")).json()
        params = {"version": now["version"], "wait": 10}
        waiting = asyncio.create_task(http.get(f"/api/page/talk/{store_id}", params=params))
        await asyncio.sleep(0.1)
        assert not waiting.done()
        await set_status(d, "available")
        answer = (await asyncio.wait_for(waiting, 5)).json()
        assert answer["available"] is True and answer["version"] > now["version"]
    unknown = await http.get("/api/page/talk/no-such-store")
    assert unknown.status_code == 200 and unknown.json()["enabled"] is False


@pytest.mark.backends("postgres")
async def test_an_agent_on_one_node_flips_the_entry_of_a_page_on_the_other(
    nodes: Nodes, clock: FakeClock
) -> None:
    a, b = nodes
    async with (
        httpx.AsyncClient(base_url=a.http_url) as http_a,
        httpx.AsyncClient(base_url=b.http_url) as http_b,
    ):
        store_id, _, signed = await shop_with_agent(a, http_a)
        async with talk_page(a, store_id) as (page, talk):
            assert talk["available"] is False
            async with desk(b, signed["token"]) as (d, _):
                await set_status(d, "available")
                assert (await next_talk(page))["available"] is True
                await set_status(d, "away", 2)
                assert (await next_talk(page))["available"] is False
                await set_status(d, "available", 3)
                assert (await next_talk(page))["available"] is True
            assert (await next_talk(page))["available"] is False
            # A desk on B that goes silent is swept once, by whichever node drops it first.
            async with desk(b, signed["token"]) as (d, _):
                assert (await next_talk(page))["available"] is True
                swept = await asyncio.gather(a.hub.availability.sweep(), b.hub.availability.sweep())
                assert list(swept) == [0, 0]  # fresh desks are kept
                clock.advance(46)  # both nodes' sweepers wake
                assert (await next_talk(page))["available"] is False
                changed = await next_of(d, "agent_changed")
                assert changed["agent"]["connected"] is False
                snap, before = await sync(d, "sync-after-sweep")
                assert snap["agents"][0]["connected"] is False
                # Announced once, not once per node.
                assert [f for f in before if f["type"] == "agent_changed"] == []
        r = await http_b.get(f"/api/page/talk/{store_id}")
        assert r.json()["available"] is False
