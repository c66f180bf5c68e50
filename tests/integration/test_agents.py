"""A store's agents (docs/agents.md), on SQLite and on PostgreSQL + Redis: the owner adds and
removes agents, agents sign in with their own email and password, their sign-ins are scoped to
the store and to their role, and removal, a role change, sign-out and expiry close their open
consoles at once (unauthorized, then 1008), on one node and across nodes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.conftest import Nodes
from tests.helpers.hubs import seed_store
from tests.helpers.peers import peer, sign_up
from tests.integration.test_live import cid, live_hello, visitor_in_new_session
from tests.integration.test_revocation import ended_within

PASSWORD = "correct horse battery"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def add_agent(
    http: httpx.AsyncClient, store_id: str, by: str, email: str, role: str = "agent"
) -> dict[str, Any]:
    body = {"email": email, "name": email.split("@")[0].title(), "role": role}
    r = await http.post(f"/api/stores/{store_id}/agents", json=body, headers=bearer(by))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def agent_signed_in(
    http: httpx.AsyncClient, store_id: str, by: str, email: str, role: str = "agent"
) -> dict[str, Any]:
    """Added by `by`, invitation accepted: the answer of the acceptance (signed in)."""
    added = await add_agent(http, store_id, by, email, role)
    r = await http.post(
        "/api/agent-invites", json={"code": added["invite_code"], "password": PASSWORD}
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_an_invited_agent_signs_in_with_their_own_password(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Harbour Ceramics", {"mug": 5})
    added = await add_agent(http, store_id, key, "Ana@Example.org")
    assert added["agent"]["email"] == "ana@example.org" and added["agent"]["active"] is False
    body = {"store_id": store_id, "email": "ana@example.org", "password": PASSWORD}
    assert (await http.post("/api/agent-sessions", json=body)).status_code == 401  # no password yet
    accepted = await http.post(
        "/api/agent-invites", json={"code": added["invite_code"], "password": PASSWORD}
    )
    assert accepted.status_code == 201 and accepted.json()["token"].startswith("csa.")
    again = await http.post(
        "/api/agent-invites", json={"code": added["invite_code"], "password": PASSWORD}
    )
    assert again.status_code == 404 and "used or expired" in again.json()["error"]["message"]
    r = await http.post("/api/agent-sessions", json=body)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    me = (await http.get("/api/console/me", headers=bearer(token))).json()
    assert me["store"]["id"] == store_id and me["role"] == "agent"
    assert me["agent"]["name"] == "Ana" and me["agent"]["active"] is True
    assert "manage_agents" not in me["permissions"] and "live" in me["permissions"]
    key_me = (await http.get("/api/console/me", headers=bearer(key))).json()
    assert key_me["role"] == "key" and key_me["agent"] is None
    products = await http.get(f"/api/stores/{store_id}/products", headers=bearer(token))
    assert products.status_code == 200 and [p["id"] for p in products.json()] == ["mug"]
    lobby = await http.get(f"/api/stores/{store_id}/live/sessions", headers=bearer(token))
    assert lobby.status_code == 200
    orders = await http.get(f"/api/stores/{store_id}/orders", headers=bearer(token))
    assert orders.status_code == 200


async def test_unknown_store_unknown_email_and_wrong_password_get_the_same_answer(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 5})
    await agent_signed_in(http, store_id, key, "ana@example.org")
    answers = []
    for body in (
        {"store_id": "no-such-store", "email": "ana@example.org", "password": PASSWORD},
        {"store_id": store_id, "email": "bob@example.org", "password": PASSWORD},
        {"store_id": store_id, "email": "ana@example.org", "password": "wrong password"},
    ):
        r = await http.post("/api/agent-sessions", json=body)
        answers.append((r.status_code, r.json()["error"]["code"], r.json()["error"]["message"]))
    assert answers == [(401, "unauthorized", "wrong email or password")] * 3


async def test_an_agent_reaches_only_their_store_and_what_their_role_allows(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 5})
    other_id, other_key = await seed_store(server.hub, "Other", {"vase": 1})
    ana = (await agent_signed_in(http, store_id, key, "ana@example.org"))["token"]
    auth = bearer(ana)
    for path in (f"/api/stores/{other_id}/products", f"/api/stores/{other_id}/live/sessions"):
        r = await http.get(path, headers=auth)
        assert r.status_code == 403 and "another store" in r.json()["error"]["message"]
    refused = [
        http.get(f"/api/stores/{store_id}/agents", headers=auth),
        http.post(
            f"/api/stores/{store_id}/agents",
            json={"email": "eve@example.org", "name": "Eve", "role": "owner"},
            headers=auth,
        ),
        http.get(f"/api/stores/{store_id}/customers", headers=auth),
        http.put(f"/api/stores/{store_id}/live", json={}, headers=auth),
    ]
    for request in refused:
        r = await request
        assert r.status_code == 403 and "your role (agent)" in r.json()["error"]["message"], r.text
    # The backend's routes take the key only.
    for r in (
        await http.put(
            f"/api/stores/{store_id}/products/mug/stock", json={"on_hand": 9}, headers=auth
        ),
        await http.get(f"/api/stores/{store_id}/tickets", headers=auth),
    ):
        assert r.status_code == 401, r.text
    async with peer(server, "store") as store:
        await store.hello(ana)
        await store.expect("snapshot")
        reply = await store.command(
            {"type": "set_stock", "id": "agent-01", "product_id": "mug", "on_hand": 4}
        )
        assert reply["type"] == "error" and reply["code"] == "forbidden", reply
    # An owner manages agents; the other store's key does not.
    owner = (await agent_signed_in(http, store_id, key, "olga@example.org", "owner"))["token"]
    listed = await http.get(f"/api/stores/{store_id}/agents", headers=bearer(owner))
    assert sorted(a["email"] for a in listed.json()) == ["ana@example.org", "olga@example.org"]
    r = await http.get(f"/api/stores/{store_id}/agents", headers=bearer(other_key))
    assert r.status_code == 403


async def test_hostile_and_bad_input_is_refused_with_reasons_or_kept_as_text(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    for body, status in (
        ({"email": "nope", "name": "Ana"}, 400),
        ({"email": "ana@example.org", "name": ""}, 400),
        ({"email": "ana@example.org", "name": "Ana", "role": "admin"}, 400),
        ({"email": "ana@example.org", "name": "Ana", "extra": 1}, 400),
    ):
        r = await http.post(f"/api/stores/{store_id}/agents", json=body, headers=bearer(key))
        assert r.status_code in (status, 422) and r.json()["error"]["message"], r.text
    name = '<img src=x onerror="alert(1)">'
    r = await http.post(
        f"/api/stores/{store_id}/agents",
        json={"email": "ana@example.org", "name": name},
        headers=bearer(key),
    )
    assert r.status_code == 201 and r.json()["agent"]["name"] == name
    r = await http.post(
        f"/api/stores/{store_id}/agents",
        json={"email": "ANA@example.org", "name": "Ana"},
        headers=bearer(key),
    )
    assert r.status_code == 409 and "already an agent of this store" in r.json()["error"]["message"]
    short = await http.post(
        "/api/agent-invites",
        json={"code": (await add_agent(http, store_id, key, "bo@example.org"))["invite_code"],
              "password": "short"},
    )  # fmt: skip
    assert short.status_code in (400, 422) and "8 to 1024" in short.json()["error"]["message"]
    bogus = await http.get("/api/console/me", headers=bearer("csa.at0000.nope"))
    assert bogus.status_code == 401


async def test_removal_closes_the_agents_open_consoles_at_once(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 5})
    signed = await agent_signed_in(http, store_id, key, "ana@example.org")
    token, agent_id = signed["token"], signed["agent"]["agent_id"]
    async with peer(server, "store") as feed, peer(server, "live") as lobby:
        await feed.hello(token)
        await feed.expect("snapshot")
        await lobby.send({"type": "hello", "versions": [1], "token": token})
        assert (await lobby.expect("welcome"))["role"] == "lobby"
        await lobby.expect("lobby")
        r = await http.delete(f"/api/stores/{store_id}/agents/{agent_id}", headers=bearer(key))
        assert r.status_code == 204
        assert await ended_within(feed, 1.0, "removed from this store") < 1.0
        assert await ended_within(lobby, 1.0, "removed from this store") < 1.0
    r = await http.get(f"/api/stores/{store_id}/products", headers=bearer(token))
    assert r.status_code == 401 and "removed" in r.json()["error"]["message"]
    body = {"store_id": store_id, "email": "ana@example.org", "password": PASSWORD}
    assert (await http.post("/api/agent-sessions", json=body)).status_code == 401
    listed = await http.get(f"/api/stores/{store_id}/agents", headers=bearer(key))
    assert listed.json() == []


async def test_sign_out_and_expiry_close_the_console(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 5})
    token = (await agent_signed_in(http, store_id, key, "ana@example.org"))["token"]
    body = {"store_id": store_id, "email": "ana@example.org", "password": PASSWORD}
    second = (await http.post("/api/agent-sessions", json=body)).json()["token"]
    async with peer(server, "store") as first_feed, peer(server, "store") as second_feed:
        await first_feed.hello(token)
        await first_feed.expect("snapshot")
        await second_feed.hello(second)
        await second_feed.expect("snapshot")
        r = await http.delete("/api/agent-sessions/current", headers=bearer(token))
        assert r.status_code == 204
        assert await ended_within(first_feed, 1.0, "expired or was ended") < 1.0
        with pytest.raises(TimeoutError):
            await second_feed.recv(within=0.3)  # another sign-in of the same agent stays
        clock.advance(server.config.agent_session_ttl + 1)
        await ended_within(second_feed, 2.0, "expired or was ended")
    r = await http.get("/api/console/me", headers=bearer(second))
    assert r.status_code == 401


async def test_a_role_change_signs_the_agent_out_and_the_last_owner_stays(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    olga = await agent_signed_in(http, store_id, key, "olga@example.org", "owner")
    olga_id = olga["agent"]["agent_id"]
    for r in (
        await http.patch(
            f"/api/stores/{store_id}/agents/{olga_id}", json={"role": "agent"}, headers=bearer(key)
        ),
        await http.delete(f"/api/stores/{store_id}/agents/{olga_id}", headers=bearer(key)),
    ):
        assert r.status_code == 409 and "at least one owner" in r.json()["error"]["message"]
    ana = await agent_signed_in(http, store_id, key, "ana@example.org")
    async with peer(server, "store") as feed:
        await feed.hello(ana["token"])
        await feed.expect("snapshot")
        r = await http.patch(
            f"/api/stores/{store_id}/agents/{ana['agent']['agent_id']}",
            json={"role": "owner"},
            headers=bearer(olga["token"]),
        )
        assert r.status_code == 200 and r.json()["role"] == "owner"
        await ended_within(feed, 1.0, "expired or was ended")
    # Two owners now: Olga may step down.
    r = await http.patch(
        f"/api/stores/{store_id}/agents/{olga_id}", json={"role": "agent"}, headers=bearer(key)
    )
    assert r.status_code == 200
    r = await http.get(f"/api/stores/{store_id}/agents/nope", headers=bearer(key))
    assert r.status_code in (404, 405)
    r = await http.delete(f"/api/stores/{store_id}/agents/ag-none", headers=bearer(key))
    assert r.status_code == 404


async def test_rotating_the_key_leaves_agents_signed_in_and_agents_acks_are_not_written(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 5})
    token = (await agent_signed_in(http, store_id, key, "ana@example.org"))["token"]
    stream = server.hub.streams.of_store(store_id)
    async with peer(server, "store") as feed:
        await feed.hello(token)
        await feed.expect("snapshot")
        new_key = await server.hub.identity.rotate_store_key(store_id)
        with pytest.raises(TimeoutError):
            await feed.recv(within=0.3)
        before = await server.hub.streams.state(stream)
        alice = await sign_up(http, "alice@example.org")
        r = await http.post(
            "/api/cart/commands",
            json={"type": "reserve", "id": "ag-00001", "store_id": store_id,
                  "product_id": "mug", "qty": 1},
            headers=alice.auth,
        )  # fmt: skip
        assert r.status_code == 200, r.text
        assert new_key.startswith("csk.")
        event = await feed.recv(within=2.0)
        await feed.send({"type": "ack", "seq": event["seq"]})
        head, acked = await server.hub.streams.state(stream)
        assert head > before[0] and acked == before[1]  # the backend's replay is untouched


@pytest.mark.backends("postgres")
async def test_removed_on_one_node_closed_on_the_other(nodes: Nodes) -> None:
    a, b = nodes
    store_id, key = await seed_store(a.hub, "Shop", {"mug": 5})
    async with (
        httpx.AsyncClient(base_url=a.http_url) as http_a,
        httpx.AsyncClient(base_url=b.http_url) as http_b,
    ):
        signed = await agent_signed_in(http_a, store_id, key, "ana@example.org")
        async with peer(b, "live") as lobby:
            await lobby.send({"type": "hello", "versions": [1], "token": signed["token"]})
            assert (await lobby.expect("welcome"))["role"] == "lobby"
            await lobby.expect("lobby")
            agent_id = signed["agent"]["agent_id"]
            r = await http_a.delete(
                f"/api/stores/{store_id}/agents/{agent_id}", headers=bearer(key)
            )
            assert r.status_code == 204
            assert await ended_within(lobby, 1.0, "removed") < 1.0
        r = await http_b.get("/api/console/me", headers=bearer(signed["token"]))
        assert r.status_code == 401


async def test_an_agent_serves_a_live_session_and_another_stores_agent_finds_none(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 3})
    other_id, other_key = await seed_store(server.hub, "Other", {"vase": 1})
    ana = (await agent_signed_in(http, store_id, key, "ana@example.org"))["token"]
    bo = (await agent_signed_in(http, other_id, other_key, "bo@example.org"))["token"]
    async with visitor_in_new_session(server, store_id) as (visitor, _, snap):
        session_id = snap["session"]["session_id"]
        async with peer(server, "live", ignore=("presence",)) as agent:
            welcome = await live_hello(agent, token=ana, session_id=session_id)
            assert welcome["role"] == "store"
            await agent.expect("live_snapshot")
            said = await agent.command({"type": "say", "id": cid(), "text": "Hello, I'm Ana"})
            assert said["type"] == "result", said
            heard = await visitor.expect("said")
            assert heard["message"]["author"] == "store"
        async with peer(server, "live") as stranger:
            await stranger.send(
                {"type": "hello", "versions": [1], "token": bo, "session_id": session_id}
            )
            refused = await stranger.expect("error")
            assert refused["code"] == "not_found", refused
    ice = await http.get("/api/live/ice-servers", headers=bearer(ana))
    assert ice.status_code == 200
    lobby = await http.get(f"/api/stores/{store_id}/live/sessions", headers=bearer(bo))
    assert lobby.status_code == 403
