"""Ratings of calls (docs/live-selling.md "Rating a call"), on SQLite and on PostgreSQL + Redis:
a visitor rates an answered, ended call of their session once; the rating is a durable `rated`
event both sides hear and a resume replays; the call records the agent who took it; the store's
and each agent's averages, scoped by role over REST; the store's page shows its average only
when its owner turns it on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.storage.sql import Plan, Stmt, one
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer
from tests.integration.test_agents import agent_signed_in, bearer
from tests.integration.test_calls import both_sides, until
from tests.integration.test_live import cid


async def a_call(visitor: Peer, store: Peer, clock: FakeClock, *, store_rings: bool = False) -> str:
    """A call rung (or asked for), answered, 60 s long, hung up by the visitor: its id."""
    caller, answerer = (store, visitor) if store_rings else (visitor, store)
    asked = await caller.command({"type": "call", "id": cid()})
    call_id = str(asked["call"]["call_id"])
    accepted = await answerer.command(
        {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
    )
    assert accepted["call"]["state"] == "active", accepted
    clock.advance(60)
    ended = await visitor.command({"type": "hang_up", "id": cid(), "call_id": call_id})
    assert ended["call"]["duration"] == 60
    return call_id


def rate(call_id: str, stars: int, comment: str = "", **extra: Any) -> dict[str, Any]:
    return {"type": "rate_call", "id": cid(), "call_id": call_id, "stars": stars,
            "comment": comment, **extra}  # fmt: skip


def taker(call_id: str) -> Plan[str | None]:
    row = one((yield Stmt("SELECT agent_id FROM live_calls WHERE id = ?", (call_id,))))
    assert row is not None
    return row["agent_id"]  # type: ignore[no-any-return]


async def test_a_visitor_rates_a_call_once_and_both_sides_hear_it(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    ana = await agent_signed_in(http, store_id, key, "ana@example.org")
    async with both_sides(server, http, store_id, ana["token"]) as (visitor, store, link):
        asked = await visitor.command({"type": "call", "id": cid()})
        running = asked["call"]["call_id"]
        await store.command(
            {"type": "answer_call", "id": cid(), "call_id": running, "accept": True}
        )
        assert await server.hub.db.read(taker(running)) == ana["agent"]["agent_id"]
        early = await visitor.command(rate(running, 5))
        assert early["code"] == "invalid_state" and "still going" in early["message"]
        await store.command({"type": "hang_up", "id": cid(), "call_id": running})
        # Markup stays as given (the UI shows text); NUL, which PostgreSQL cannot store, does not.
        command = rate(running, 4, "Patient and <b>kind</b>\x00")
        rated = await visitor.command(command)
        assert rated["rating"] == {
            "call_id": running,
            "stars": 4,
            "comment": "Patient and <b>kind</b>\ufffd",
            "connection": None,
            "at": clock.now(),
            "session_id": None,
            "agent_id": None,
            "agent_name": None,
        }
        heard = await until(store, "rated")
        assert heard["rating"]["stars"] == 4 and heard["rating"]["agent_id"] is None
        assert (await visitor.command(command)) == rated  # a retry: the same answer
        again = await visitor.command(rate(running, 1))
        assert again["code"] == "conflict" and "already" in again["message"]
        by_store = await store.command(rate(running, 5))
        assert by_store["code"] == "forbidden"
    auth = bearer(link)
    events = (await http.get("/api/live/session/events?after=0", headers=auth)).json()
    assert [m["rating"]["stars"] for m in events["messages"] if m["type"] == "rated"] == [4]
    snap = (await http.get("/api/live/session", headers=auth)).json()
    assert snap["last_call"]["call_id"] == running and snap["last_call"]["duration"] == 0
    assert snap["last_rating"]["stars"] == 4
    over_http = await http.post("/api/live/session/commands", json=rate(running, 2), headers=auth)
    assert over_http.status_code == 409
    ratings = (await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(key))).json()
    assert ratings["store"] == {"average": 4.0, "count": 1}
    assert ratings["recent"][0]["agent_name"] == "Ana"


async def test_unanswered_running_and_others_calls_are_refused(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    other_id, other_key = await seed_store(server.hub, "Other", {"vase": 1})
    async with both_sides(server, http, other_id, other_key) as (stranger, other_store, _l):
        elsewhere = await a_call(stranger, other_store, clock)
    async with both_sides(server, http, store_id, key) as (visitor, store, _link):
        async with both_sides(server, http, store_id, key) as (neighbour, store2, _l2):
            next_door = await a_call(neighbour, store2, clock)
        asked = await visitor.command({"type": "call", "id": cid()})
        declined = asked["call"]["call_id"]
        await store.command(
            {"type": "answer_call", "id": cid(), "call_id": declined, "accept": False}
        )
        never = await visitor.command(rate(declined, 3))
        assert never["code"] == "invalid_state" and "never answered" in never["message"]
        for call_id in (next_door, elsewhere, "c-nonsense"):
            refused = await visitor.command(rate(call_id, 5))
            assert refused["code"] == "not_found", refused
        mine = await a_call(visitor, store, clock)
        for bad in (rate(mine, 0), rate(mine, 6), rate(mine, 5, "x" * 1001)):
            refused = await visitor.command(bad)
            assert refused["code"] == "invalid_message", refused
        ok = await visitor.command(rate(mine, 5, "x" * 1000))
        assert ok["type"] == "result"  # the connection went on through every refusal
        assert (await until(store, "rated"))["rating"]["call_id"] == mine
    ratings = (await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(key))).json()
    assert ratings["store"]["count"] == 1


async def test_averages_per_store_and_per_agent_scoped_by_role(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    other_id, other_key = await seed_store(server.hub, "Other", {"vase": 1})
    ana = await agent_signed_in(http, store_id, key, "ana@example.org")
    bo = await agent_signed_in(http, store_id, key, "bo@example.org")
    cy = await agent_signed_in(http, store_id, key, "cy@example.org")
    owner = await agent_signed_in(http, store_id, key, "olga@example.org", role="owner")
    stranger = await agent_signed_in(http, other_id, other_key, "zed@example.org")
    given = [(ana, False, 5), (ana, True, 4), (bo, True, 2), (None, False, 3)]
    for agent, store_rings, stars in given:
        token = agent["token"] if agent else key
        async with both_sides(server, http, store_id, token) as (visitor, store, _link):
            call_id = await a_call(visitor, store, clock, store_rings=store_rings)
            taken = await server.hub.db.read(taker(call_id))
            assert taken == (agent["agent"]["agent_id"] if agent else None)
            assert (await visitor.command(rate(call_id, stars)))["type"] == "result"
        clock.advance(1)
    everyone = (await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(key))).json()
    assert everyone["store"] == {"average": 3.5, "count": 4}
    lines = {a["name"]: (a["average"], a["count"]) for a in everyone["agents"]}
    assert lines == {"Ana": (4.5, 2), "Bo": (2.0, 1)}
    assert [r["stars"] for r in everyone["recent"]] == [3, 2, 4, 5]  # newest first
    as_owner = await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(owner["token"]))
    assert as_owner.json() == everyone
    as_ana = (
        await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(ana["token"]))
    ).json()
    assert as_ana["store"] == everyone["store"]
    assert [(a["name"], a["average"]) for a in as_ana["agents"]] == [("Ana", 4.5)]
    assert [r["stars"] for r in as_ana["recent"]] == [4, 5]  # her calls only
    as_cy = (await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(cy["token"]))).json()
    assert as_cy["agents"] == [
        {"average": None, "count": 0, "agent_id": cy["agent"]["agent_id"], "name": "Cy"}
    ]
    assert as_cy["recent"] == []
    for token in (other_key, stranger["token"]):
        refused = await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(token))
        assert refused.status_code == 403, refused.text
    assert (await http.get(f"/api/stores/{store_id}/ratings")).status_code == 401
    theirs = (await http.get(f"/api/stores/{other_id}/ratings", headers=bearer(other_key))).json()
    assert theirs == {"store": {"average": None, "count": 0}, "agents": [], "recent": []}


@pytest.mark.parametrize("show", [False, True])
async def test_the_page_shows_the_average_only_when_the_owner_wants(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock, show: bool
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    async with both_sides(server, http, store_id, key) as (visitor, store, link):
        call_id = await a_call(visitor, store, clock)
        await visitor.command(rate(call_id, 5, "Lovely"))
    page = (await http.get(f"/api/live/stores/{store_id}")).json()
    assert page["rating"] is None  # off until the owner says so
    settings = (await http.get(f"/api/stores/{store_id}/live", headers=bearer(key))).json()
    assert settings["show_rating"] is False
    body = {"enabled": True, "greeting": "Hi", "show_rating": show}
    saved = await http.put(f"/api/stores/{store_id}/live", json=body, headers=bearer(key))
    assert saved.status_code == 200 and saved.json()["show_rating"] is show
    assert saved.json()["style"]["greeting"] == "Hi"
    page = (await http.get(f"/api/live/stores/{store_id}")).json()
    assert page["rating"] == ({"average": 5.0, "count": 1} if show else None)
    # Deleting the session takes the visitor's words, not the store's average.
    assert (await http.delete("/api/live/session", headers=bearer(link))).status_code == 204
    ratings = (await http.get(f"/api/stores/{store_id}/ratings", headers=bearer(key))).json()
    assert ratings["store"]["count"] == 1 and ratings["recent"][0]["comment"] == ""
