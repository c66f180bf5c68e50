"""What keeps a store's agents safe (docs/agents.md), on SQLite and on PostgreSQL + Redis: an
owner does not change their own role; the same email added twice at the same instant is one
agent and a conflict, never a 500; repeated wrong sign-ins are throttled per (store, email),
across nodes, whether the email exists or not."""

from __future__ import annotations

import asyncio

import httpx

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.integration.test_agents import PASSWORD, agent_signed_in, bearer


async def test_an_owner_does_not_change_their_own_role(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    olga = await agent_signed_in(http, store_id, key, "olga@example.org", "owner")
    await agent_signed_in(http, store_id, key, "oscar@example.org", "owner")
    path = f"/api/stores/{store_id}/agents/{olga['agent']['agent_id']}"
    r = await http.patch(path, json={"role": "agent"}, headers=bearer(olga["token"]))
    assert r.status_code == 403, r.text
    assert r.json()["error"]["message"] == (
        "you cannot change your own role: ask another owner of the store"
    )
    me = await http.get("/api/console/me", headers=bearer(olga["token"]))
    assert me.status_code == 200 and me.json()["role"] == "owner"  # still signed in, as owner
    r = await http.patch(path, json={"role": "agent"}, headers=bearer(key))
    assert r.status_code == 200 and r.json()["role"] == "agent"  # another owner (the key) may


async def test_the_same_email_added_at_the_same_instant_is_one_agent_and_conflicts(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    path = f"/api/stores/{store_id}/agents"
    answers = await asyncio.gather(
        *(
            http.post(
                path, json={"email": "Ana@example.org", "name": f"Ana {n}"}, headers=bearer(key)
            )
            for n in range(8)
        )
    )
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [409] * 7, [r.text for r in answers]
    for r in answers:
        if r.status_code == 409:
            assert r.json()["error"] == {
                "code": "conflict",
                "message": "someone with this email is already an agent of this store",
                "details": {},
            }
    listed = (await http.get(path, headers=bearer(key))).json()
    assert [a["email"] for a in listed] == ["ana@example.org"]
    # The one that won has its invitation; the others left nothing behind.
    won = next(r.json() for r in answers if r.status_code == 201)
    assert listed[0]["agent_id"] == won["agent"]["agent_id"]
    r = await http.post(
        "/api/agent-invites", json={"code": won["invite_code"], "password": PASSWORD}
    )
    assert r.status_code == 201, r.text
