"""What keeps a store's agents safe (docs/agents.md), on SQLite and on PostgreSQL + Redis: an
owner does not change their own role; the same email added twice at the same instant is one
agent and a conflict, never a 500; repeated wrong sign-ins are throttled per (store, email),
across nodes, whether the email exists or not."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.services.throttle import PRUNE_EVERY
from shared_protocol import ErrorCode, ProtocolError
from tests.conftest import Nodes
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


def sign_in_body(store_id: str, email: str, password: str = "wrong password") -> dict[str, str]:
    return {"store_id": store_id, "email": email, "password": password}


async def test_repeated_wrong_sign_ins_wait_and_a_stranger_gets_the_same_answers(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    await agent_signed_in(http, store_id, key, "ana@example.org")

    async def answers(email: str) -> list[tuple[int, str, str | None]]:
        out = []
        for password in ["wrong password"] * 5 + [PASSWORD]:
            r = await http.post("/api/agent-sessions", json=sign_in_body(store_id, email, password))
            out.append((r.status_code, r.json()["error"]["message"], r.headers.get("Retry-After")))
        return out

    ana, stranger = await answers("ana@example.org"), await answers("nobody@example.org")
    expected = [(401, "wrong email or password", None)] * 5 + [
        (429, "too many attempts: try again in 15 minutes", "900")
    ]
    assert ana == stranger == expected  # the right password waits too; nothing to enumerate
    r = await http.post("/api/agent-sessions", json=sign_in_body(store_id, "ANA@example.org "))
    assert r.status_code == 429 and r.json()["error"]["details"] == {"retry_after": 900}
    # Others are not held up: another email, the same email at another store.
    other_id, other_key = await seed_store(server.hub, "Other", {"vase": 1})
    await agent_signed_in(http, other_id, other_key, "ana@example.org")
    for body in (
        sign_in_body(store_id, "bo@example.org"),
        sign_in_body(other_id, "ana@example.org", PASSWORD),
    ):
        assert (await http.post("/api/agent-sessions", json=body)).status_code in (401, 201)
    clock.advance(14 * 60 + 30)
    r = await http.post("/api/agent-sessions", json=sign_in_body(store_id, "ana@example.org"))
    assert r.status_code == 429 and r.headers["Retry-After"] == "30"
    assert r.json()["error"]["message"] == "too many attempts: try again in 1 minute"
    clock.advance(30)
    right = sign_in_body(store_id, "ana@example.org", PASSWORD)
    assert (await http.post("/api/agent-sessions", json=right)).status_code == 201


async def test_a_stranger_guessing_from_elsewhere_does_not_lock_the_agent_out(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    """Counted per client address: the stranger's sixth try waits, the agent at their own
    address signs in. From every address together, 50 tries in the window are the ceiling."""
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    await agent_signed_in(http, store_id, key, "ana@example.org")
    elsewhere = httpx.AsyncHTTPTransport(local_address="127.0.0.2")  # another address, for real
    async with httpx.AsyncClient(base_url=server.http_url, transport=elsewhere) as stranger:
        codes = [
            (
                await stranger.post(
                    "/api/agent-sessions", json=sign_in_body(store_id, "ana@example.org")
                )
            ).status_code
            for _ in range(6)
        ]
    assert codes == [401] * 5 + [429]
    right = sign_in_body(store_id, "ana@example.org", PASSWORD)
    assert (await http.post("/api/agent-sessions", json=right)).status_code == 201
    # Many addresses together: slowed at the ceiling, whichever address comes next.
    agents = server.hub.agents
    for n in range(10):
        for _ in range(5):
            with pytest.raises(ProtocolError):
                await agents.sign_in(store_id, "ana@example.org", "wrong", client=f"10.0.0.{n}")
    with pytest.raises(ProtocolError) as refused:
        await agents.sign_in(store_id, "ana@example.org", PASSWORD, client="10.0.1.1")
    assert refused.value.code is ErrorCode.RATE_LIMITED


async def test_a_successful_sign_in_starts_the_count_afresh(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    await agent_signed_in(http, store_id, key, "ana@example.org")
    wrong = sign_in_body(store_id, "ana@example.org")
    right = sign_in_body(store_id, "ana@example.org", PASSWORD)
    for _ in range(4):
        assert (await http.post("/api/agent-sessions", json=wrong)).status_code == 401
    assert (await http.post("/api/agent-sessions", json=right)).status_code == 201
    statuses = [(await http.post("/api/agent-sessions", json=wrong)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


async def test_parallel_attempts_cannot_slip_past_the_limit(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    await agent_signed_in(http, store_id, key, "ana@example.org")
    wrong = sign_in_body(store_id, "ana@example.org")
    answers = await asyncio.gather(
        *(http.post("/api/agent-sessions", json=wrong) for _ in range(12))
    )
    assert sorted(r.status_code for r in answers) == [401] * 5 + [429] * 7
    # Windows that are over are forgotten by the hourly clean-up of the node's next attempt.
    clock.advance(PRUNE_EVERY)
    assert await server.hub.agents.throttle.prune() == 2  # this address's count and every address's
    assert await server.hub.agents.throttle.prune() == 0
    assert (await http.post("/api/agent-sessions", json=wrong)).status_code == 401


@pytest.mark.backends("postgres")
async def test_the_count_is_shared_by_every_node(nodes: Nodes) -> None:
    a, b = nodes
    store_id, key = await seed_store(a.hub, "Shop", {"mug": 1})
    async with (
        httpx.AsyncClient(base_url=a.http_url) as http_a,
        httpx.AsyncClient(base_url=b.http_url) as http_b,
    ):
        await agent_signed_in(http_a, store_id, key, "ana@example.org")
        wrong = sign_in_body(store_id, "ana@example.org")
        statuses = [
            (
                await (http_a if n % 2 else http_b).post("/api/agent-sessions", json=wrong)
            ).status_code
            for n in range(6)
        ]
        assert statuses == [401] * 5 + [429]
        r = await http_a.post(
            "/api/agent-sessions", json=sign_in_body(store_id, "ana@example.org", PASSWORD)
        )
        assert r.status_code == 429 and r.headers["Retry-After"] == "900"
