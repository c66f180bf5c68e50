"""An agent writes first (desk `approach`, docs/agents.md "Writing first"), on SQLite and on
PostgreSQL + Redis: the hub makes a conversation from the visitor's current page, taken by the
agent, with the first message; the visitor's page connections hear `talk_offer` (also on
another node) and open it with the link; `call` rings the visitor; a visitor not on the pages
(or another store's) is `not_found`; the cap holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.conftest import Nodes
from tests.helpers.peers import Peer, peer
from tests.integration.test_calls import until
from tests.integration.test_claims import team
from tests.integration.test_conversations import SHOP
from tests.integration.test_desk import desk, next_of
from tests.integration.test_live import cid, live_hello
from tests.integration.test_presence import report

VISITOR = "BBBBBBBBBBBBBBBBBBBBBB"
PAGE = f"{SHOP}/products/vase"


@asynccontextmanager
async def visitor_page(server: HubServer, store_id: str) -> AsyncIterator[Peer]:
    """A page of the store's site reporting the visitor's presence."""
    async with peer(server, "page", additional_headers={"Origin": SHOP}) as page:
        await page.hello()
        await page.send(report(store_id, VISITOR, url=PAGE, title="Tide vase"))
        yield page


def approach(text: str, visitor: str = VISITOR, call: bool = False) -> dict[str, Any]:
    return {"type": "approach", "id": cid(), "visitor_id": visitor, "text": text, "call": call}


async def arrived(d: Peer) -> None:
    """The desk has seen the visitor arrive (so the hub knows them)."""
    frame = await next_of(d, "visitors_changed")
    assert VISITOR in {c["visitor_id"] for c in frame["changes"]}


async def test_an_agent_writes_first_and_the_visitors_page_hears_it(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, ana, bo, _ = await team(server, http)
    hostile = "<img src=x onerror=alert(1)> Can I help?"
    async with desk(server, ana["token"]) as (d, _), visitor_page(server, store_id) as page:
        await arrived(d)
        answered = await d.command(approach(hostile))
        assert answered["type"] == "result", answered
        session = answered["session"]
        assert (session["agent_name"], session["visitor_id"]) == ("Ana", VISITOR)
        assert session["page_url"] == PAGE and session["last_message"] == hostile
        offer = await until(page, "talk_offer")
        assert (offer["agent_name"], offer["text"], offer["call"]) == ("Ana", hostile, False)
        assert offer["session_id"] == session["session_id"]
        # The link opens the conversation: the agent's message is there, and the visitor answers.
        async with peer(server, "live", origin=SHOP) as visitor:
            await live_hello(visitor, token=offer["link"])
            snap = await until(visitor, "live_snapshot")
            assert [m["text"] for m in snap["messages"]] == [hostile]
            said = await visitor.command({"type": "say", "id": cid(), "text": "Yes please"})
            assert said["type"] == "result", said
        # Bo sees it taken; Bo cannot act in it.
        async with desk(server, bo["token"]) as (_, snap):
            mine = [c for c in snap["conversations"] if c["session_id"] == session["session_id"]]
            assert mine[0]["agent_name"] == "Ana" and mine[0]["unread"] == 1
        # Nobody by that id, or no longer here: not_found.
        nobody = await d.command(approach("Hello", visitor="CCCCCCCCCCCCCCCCCCCCCC"))
        assert (nobody["code"], nobody["message"]) == (
            "not_found",
            "no such visitor on your pages now",
        )


async def test_approach_with_a_call_rings_the_visitor_and_holds_the_cap(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, ana, _, _ = await team(server, http)
    assert await server.hub.claims.set_cap_of(store_id, ana["agent"]["agent_id"], 1)
    async with desk(server, ana["token"]) as (d, _), visitor_page(server, store_id) as page:
        await arrived(d)
        command = approach("Shall we talk?", call=True)
        answered = await d.command(command)
        assert answered["type"] == "result", answered
        # The answer lost, the desk sends it again: the same conversation, not a second one
        # (which the cap of 1 would refuse), and the visitor is not rung twice.
        again = await d.command(command)
        assert answered["session"] is not None
        assert again["type"] == "result" and again["session"] == answered["session"], again
        offer = await until(page, "talk_offer")
        assert offer["call"] is True
        async with peer(server, "live", origin=SHOP) as visitor:
            await live_hello(visitor, token=offer["link"])
            snap = await until(visitor, "live_snapshot")
            assert snap["call"]["state"] == "ringing" and snap["call"]["started_by"] == "store"
        # At her cap of 1: a second approach is refused, and nothing is made for it.
        refused = await d.command(approach("And again?"))
        assert refused["code"] == "at_capacity", refused
        assert refused["message"] == "you have 1 chat open: close or hand one over first"
    lobby = await http.get(
        f"/api/stores/{store_id}/live/sessions",
        headers={"Authorization": f"Bearer {ana['token']}"},
    )
    assert len(lobby.json()["sessions"]) == 1


async def test_another_stores_agent_cannot_approach_this_stores_visitor(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _, _, _, _ = await team(server, http)
    _, _, stranger, _, _ = await team(server, http, "Other")
    async with desk(server, stranger["token"]) as (d, _), visitor_page(server, store_id) as page:
        refused = await d.command(approach("Hello"))
        assert refused["code"] == "not_found"
        await page.send({"type": "watch_talk", "store_id": store_id})
        assert (await page.recv())["type"] == "talk"  # no offer came before it


@pytest.mark.backends("postgres")
async def test_approach_reaches_the_visitors_page_on_another_node(
    nodes: Nodes, clock: FakeClock
) -> None:
    a, b = nodes
    async with httpx.AsyncClient(base_url=a.http_url) as http:
        store_id, _, ana, _, _ = await team(a, http)
        async with desk(b, ana["token"]) as (d, _), visitor_page(a, store_id) as page:
            await arrived(d)
            answered = await d.command(approach("Hello from node B"))
            assert answered["type"] == "result", answered
            offer = await until(page, "talk_offer")
            assert offer["text"] == "Hello from node B" and offer["agent_name"] == "Ana"
