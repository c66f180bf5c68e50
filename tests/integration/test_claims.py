"""Taking conversations (docs/agents.md "Taking a visitor"), on SQLite and on PostgreSQL +
Redis: a desk `claim` gives a conversation to exactly one agent (also when two agents on two
nodes take it at once); the chat cap holds under parallel claims (`at_capacity`, in words, the
conversation left free); other agents may look but not act ("Ana is helping this visitor"); an
owner takes over explicitly; `release` frees it; one call per agent; another store's agent gets
`not_found`."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.storage.sql import Plan, Row, Stmt, one
from shared_protocol.desk import ClaimConversation
from shared_protocol.errors import ProtocolError
from tests.conftest import Nodes
from tests.helpers.peers import peer
from tests.integration.test_agents import agent_signed_in, bearer
from tests.integration.test_calls import until
from tests.integration.test_conversations import SHOP, shop, start_from_page
from tests.integration.test_desk import desk, workspace
from tests.integration.test_live import cid, live_hello


def agent_row(agent_id: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM agents WHERE id = ?", (agent_id,))))


async def team(
    server: HubServer, http: httpx.AsyncClient, name: str = "Shop"
) -> tuple[str, str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A store with the workspace on, Ana and Bo (agents) and Olga (owner), all signed in."""
    store_id, key = await shop(server, name)
    await workspace(http, store_id, key, True)
    low = name.lower()
    ana = await agent_signed_in(http, store_id, key, f"ana@{low}.example")
    bo = await agent_signed_in(http, store_id, key, f"bo@{low}.example")
    olga = await agent_signed_in(http, store_id, key, f"olga@{low}.example", role="owner")
    return store_id, key, ana, bo, olga


async def conversation(server: HubServer, store_id: str, visitor: str = "v-1234abcd") -> str:
    started = await start_from_page(server, store_id, f"{SHOP}/products/mug", visitor_id=visitor)
    assert started["type"] == "result", started
    return str(started["session"]["session_id"])


def claim(session_id: str, take_over: bool = False) -> dict[str, Any]:
    return {"type": "claim", "id": cid(), "session_id": session_id, "take_over": take_over}


async def test_an_agent_takes_a_visitor_and_others_see_with_ana_and_cannot_act(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, ana, bo, olga = await team(server, http)
    session_id = await conversation(server, store_id)
    async with desk(server, ana["token"]) as (d_ana, snap), desk(server, bo["token"]) as (d_bo, _):
        assert [c["session_id"] for c in snap["conversations"]] == [session_id]
        assert snap["conversations"][0]["agent_id"] is None  # free
        taken = await d_ana.command(claim(session_id))
        assert taken["type"] == "result", taken
        assert taken["session"]["agent_id"] == ana["agent"]["agent_id"]
        assert taken["session"]["agent_name"] == "Ana"
        # Bo's desk hears it taken, by whom.
        heard = await until(d_bo, "session_activity")
        assert heard["session"]["agent_name"] == "Ana"
        assert heard["session"]["visitor_id"] == "v-1234abcd"
        # Bo cannot take it, nor act in it; he may look.
        refused = await d_bo.command(claim(session_id))
        assert (refused["code"], refused["message"]) == ("forbidden", "Ana is helping this visitor")
        async with peer(server, "live") as bo_live:
            await live_hello(bo_live, token=bo["token"], session_id=session_id)
            await until(bo_live, "live_snapshot")  # looking is allowed
            said = await bo_live.command({"type": "say", "id": cid(), "text": "Hello from Bo"})
            assert (said["code"], said["message"]) == ("forbidden", "Ana is helping this visitor")
            rang = await bo_live.command({"type": "call", "id": cid()})
            assert rang["code"] == "forbidden"
            # The connection stays usable.
            await bo_live.send({"type": "sync", "id": "sync-bo-1"})
            assert (await until(bo_live, "live_snapshot"))["id"] == "sync-bo-1"
        # Ana acts in it.
        async with peer(server, "live") as ana_live:
            await live_hello(ana_live, token=ana["token"], session_id=session_id)
            await until(ana_live, "live_snapshot")
            said = await ana_live.command({"type": "say", "id": cid(), "text": "Hello, I'm Ana"})
            assert said["type"] == "result", said
        # An agent cannot take over; an owner can, explicitly.
        over = await d_bo.command(claim(session_id, take_over=True))
        assert over["code"] == "forbidden"
        async with desk(server, olga["token"]) as (d_olga, _):
            plain = await d_olga.command(claim(session_id))
            assert plain["message"] == "Ana is helping this visitor"
            over = await d_olga.command(claim(session_id, take_over=True))
            assert over["type"] == "result" and over["session"]["agent_name"] == "Olga", over
            # Ana's chat is counted out, Olga's in.
            a = await server.hub.db.read(agent_row(ana["agent"]["agent_id"]))
            o = await server.hub.db.read(agent_row(olga["agent"]["agent_id"]))
            assert a is not None and o is not None
            assert (a["open_chats"], o["open_chats"]) == (0, 1)
            # Ana's desk hears her count go down.
            ana_id = ana["agent"]["agent_id"]
            while (await until(d_ana, "agent_changed", agent_id=ana_id))["agent"]["open_chats"]:
                pass
            # Ana cannot give back what she no longer holds; Olga releases: free again.
            gone = await d_ana.command({"type": "release", "id": cid(), "session_id": session_id})
            assert gone["code"] == "forbidden"
            freed = await d_olga.command({"type": "release", "id": cid(), "session_id": session_id})
            assert freed["type"] == "result" and freed["session"]["agent_id"] is None
            o = await server.hub.db.read(agent_row(olga["agent"]["agent_id"]))
            assert o is not None and o["open_chats"] == 0
        again = await d_bo.command(claim(session_id))
        assert again["type"] == "result" and again["session"]["agent_name"] == "Bo"


async def test_ten_parallel_claims_with_a_cap_of_three_take_exactly_three(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, ana, bo, _ = await team(server, http)
    sessions = [await conversation(server, store_id, f"v-visitor{n:04d}") for n in range(10)]
    ana_id = ana["agent"]["agent_id"]
    claims = server.hub.claims

    async def take(session_id: str) -> str:
        try:
            await claims.claim(
                store_id, ana_id, "agent", ClaimConversation(id=cid(), session_id=session_id)
            )
        except ProtocolError as refused:
            return refused.code.value
        return "taken"

    outcomes = await asyncio.gather(*(take(s) for s in sessions))
    assert sorted(outcomes) == ["at_capacity"] * 7 + ["taken"] * 3
    row = await server.hub.db.read(agent_row(ana_id))
    assert row is not None and (row["open_chats"], row["chat_cap"]) == (3, 3)
    # The fourth, over the desk: refused in words, and left free for Bo.
    free = [s for s, o in zip(sessions, outcomes, strict=True) if o != "taken"]
    async with desk(server, ana["token"]) as (d_ana, _), desk(server, bo["token"]) as (d_bo, _):
        refused = await d_ana.command(claim(free[0]))
        assert refused["code"] == "at_capacity", refused
        assert refused["message"] == "you have 3 chats open: close or hand one over first"
        assert refused["details"] == {"cap": 3, "open": 3}
        taken = await d_bo.command(claim(free[0]))
        assert taken["type"] == "result" and taken["session"]["agent_name"] == "Bo"
        # A higher cap of her own lets her take one more; deleting a session counts it out.
        raised = await d_ana.command({"type": "set_chat_cap", "id": cid(), "chat_cap": 4})
        assert raised["agent"]["chat_cap"] == 4, raised
        assert (await d_ana.command(claim(free[1])))["type"] == "result"
        bad = await d_ana.command({"type": "set_chat_cap", "id": cid(), "chat_cap": 21})
        assert bad["code"] == "invalid_message"
    mine = [s for s, o in zip(sessions, outcomes, strict=True) if o == "taken"]
    r = await http.delete(
        f"/api/stores/{store_id}/live/sessions/{mine[0]}",
        headers={"Authorization": f"Bearer {ana['token']}"},
    )
    assert r.status_code == 204, r.text
    row = await server.hub.db.read(agent_row(ana_id))
    assert row is not None and row["open_chats"] == 3


async def test_one_call_per_agent(server: HubServer, http: httpx.AsyncClient) -> None:
    store_id, _, ana, bo, _ = await team(server, http)
    first, second = await conversation(server, store_id), await conversation(server, store_id)
    async with (
        desk(server, ana["token"]) as (d_ana, _),
        peer(server, "live") as one_live,
        peer(server, "live") as two_live,
        peer(server, "live") as bo_live,
    ):
        for s in (first, second):
            assert (await d_ana.command(claim(s)))["type"] == "result"
        await live_hello(one_live, token=ana["token"], session_id=first)
        await until(one_live, "live_snapshot")
        await live_hello(two_live, token=ana["token"], session_id=second)
        await until(two_live, "live_snapshot")
        rang = await one_live.command({"type": "call", "id": cid()})
        assert rang["type"] == "result" and rang["call"]["state"] == "ringing", rang
        again = await two_live.command({"type": "call", "id": cid()})
        assert (again["code"], again["message"]) == (
            "conflict",
            "you are in another call: hang it up first",
        )
        await two_live.send({"type": "sync", "id": "sync-two-1"})
        assert (await until(two_live, "live_snapshot"))["id"] == "sync-two-1"
        # Bo is another person: his call in a free conversation rings.
        third = await conversation(server, store_id, "v-third0001")
        await live_hello(bo_live, token=bo["token"], session_id=third)
        await until(bo_live, "live_snapshot")
        bo_rang = await bo_live.command({"type": "call", "id": cid()})
        assert bo_rang["type"] == "result" and bo_rang["call"]["state"] == "ringing", bo_rang
        # Once Ana hangs up, her next call rings.
        hung = await one_live.command(
            {"type": "hang_up", "id": cid(), "call_id": rang["call"]["call_id"]}
        )
        assert hung["type"] == "result", hung
        later = await two_live.command({"type": "call", "id": cid()})
        assert later["type"] == "result" and later["call"]["state"] == "ringing", later


async def test_another_stores_agent_gets_not_found(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, ana, _, _ = await team(server, http)
    _, _, stranger, _, _ = await team(server, http, "Other")
    session_id = await conversation(server, store_id)
    async with desk(server, stranger["token"]) as (d, snap):
        assert snap["conversations"] == []
        refused = await d.command(claim(session_id))
        assert (refused["code"], refused["message"]) == ("not_found", "no such live session")
        gone = await d.command({"type": "release", "id": cid(), "session_id": session_id})
        assert gone["code"] == "not_found"
    async with desk(server, ana["token"]) as (d, _):
        assert (await d.command(claim(session_id)))["type"] == "result"


@pytest.mark.backends("postgres")
async def test_two_agents_on_two_nodes_claim_at_once_and_exactly_one_wins(
    nodes: Nodes, clock: FakeClock
) -> None:
    a, b = nodes
    async with httpx.AsyncClient(base_url=a.http_url) as http:
        store_id, _, ana, bo, _ = await team(a, http)
        for someone in (ana, bo):  # room for every round
            assert await a.hub.claims.set_cap_of(store_id, someone["agent"]["agent_id"], 10)
        for round_ in range(5):
            session_id = await conversation(a, store_id, f"v-round{round_:04d}")
            async with desk(a, ana["token"]) as (d_ana, _), desk(b, bo["token"]) as (d_bo, _):
                answers = await asyncio.gather(
                    d_ana.command(claim(session_id)), d_bo.command(claim(session_id))
                )
            kinds = sorted(x["type"] for x in answers)
            assert kinds == ["error", "result"], answers
            won = next(x for x in answers if x["type"] == "result")
            lost = next(x for x in answers if x["type"] == "error")
            assert lost["message"] == f"{won['session']['agent_name']} is helping this visitor"


async def test_the_owner_sets_an_agents_chat_cap(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, ana, _, olga = await team(server, http)
    _, _, stranger, _, _ = await team(server, http, "Other")
    ana_id = ana["agent"]["agent_id"]
    url = f"/api/stores/{store_id}/agents/{ana_id}/chat-cap"
    owner = {"Authorization": f"Bearer {olga['token']}"}
    assert (await http.put(url, json={"chat_cap": 5}, headers=owner)).status_code == 204
    listed = (await http.get(f"/api/stores/{store_id}/agents", headers=owner)).json()
    assert {a["name"]: a["chat_cap"] for a in listed}["Ana"] == 5
    row = await server.hub.db.read(agent_row(ana_id))
    assert row is not None and row["chat_cap"] == 5
    for bad in (0, 21, "3"):
        r = await http.put(url, json={"chat_cap": bad}, headers=owner)
        assert r.status_code == 422, (bad, r.text)
    as_agent = {"Authorization": f"Bearer {ana['token']}"}
    assert (await http.put(url, json={"chat_cap": 20}, headers=as_agent)).status_code == 403
    other = f"/api/stores/{store_id}/agents/{stranger['agent']['agent_id']}/chat-cap"
    r = await http.put(other, json={"chat_cap": 4}, headers=owner)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert (
        await http.put(url, json={"chat_cap": 2}, headers={"Authorization": f"Bearer {key}"})
    ).status_code == 204


async def test_a_running_call_is_told_to_the_desks_and_its_visitor_asks_ana_busy(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, ana, bo, _ = await team(server, http)
    first = await start_from_page(server, store_id, f"{SHOP}/products/mug", visitor_id="v-one00001")
    second = await start_from_page(
        server, store_id, f"{SHOP}/products/mug", visitor_id="v-two00002"
    )
    one_id, two_id = first["session"]["session_id"], second["session"]["session_id"]
    async with (
        desk(server, ana["token"]) as (d_ana, _),
        desk(server, bo["token"]) as (d_bo, _),
        peer(server, "live") as ana_live,
        peer(server, "live", origin=SHOP) as visitor,
        peer(server, "live", origin=SHOP) as other,
    ):
        for s in (one_id, two_id):
            assert (await d_ana.command(claim(s)))["type"] == "result"
        await live_hello(ana_live, token=ana["token"], session_id=one_id)
        await until(ana_live, "live_snapshot")
        await live_hello(visitor, token=first["link"])
        await until(visitor, "live_snapshot")
        rang = await ana_live.command({"type": "call", "id": cid()})
        call_id = rang["call"]["call_id"]
        joined = await visitor.command(
            {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
        )
        assert joined["call"]["state"] == "active", joined
        # Bo's desk hears the visitor in a call (the console then leaves them out of the list).
        while not (heard := await until(d_bo, "session_activity"))["session"]["in_call"]:
            pass
        assert heard["session"]["session_id"] == one_id
        # The visitor of Ana's other conversation asks: Ana is busy, the call ends as busy.
        await live_hello(other, token=second["link"])
        await until(other, "live_snapshot")
        asked = await other.command({"type": "call", "id": cid()})
        assert (asked["call"]["state"], asked["call"]["end_reason"]) == ("ended", "busy"), asked
        # Hung up: the desks hear the call over.
        await ana_live.command({"type": "hang_up", "id": cid(), "call_id": call_id})
        over = None
        while over is None:
            heard = (await until(d_bo, "session_activity"))["session"]
            if heard["session_id"] == one_id and not heard["in_call"]:
                over = heard
        assert over["agent_name"] == "Ana"


async def test_a_removed_agents_conversations_are_free_again_for_the_team(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key, ana, bo, _ = await team(server, http)
    first = await conversation(server, store_id, "v-aaaa1111")
    second = await conversation(server, store_id, "v-bbbb2222")
    ana_id = ana["agent"]["agent_id"]
    async with desk(server, ana["token"]) as (d_ana, _):
        for session_id in (first, second):
            assert (await d_ana.command(claim(session_id)))["type"] == "result"
    async with desk(server, bo["token"]) as (d_bo, snap):
        assert {c["agent_name"] for c in snap["conversations"]} == {"Ana"}
        r = await http.delete(f"/api/stores/{store_id}/agents/{ana_id}", headers=bearer(key))
        assert r.status_code == 204, r.text
        # Bo's desk hears both free again, and he takes one.
        freed: set[str] = set()
        while freed != {first, second}:
            heard = await until(d_bo, "session_activity")
            if heard["session"]["agent_id"] is None:
                freed.add(heard["session"]["session_id"])
        taken = await d_bo.command(claim(first))
        assert taken["type"] == "result" and taken["session"]["agent_name"] == "Bo", taken
    row = await server.hub.db.read(agent_row(ana_id))
    assert row is not None and row["open_chats"] == 0
