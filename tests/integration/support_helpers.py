"""Shared setup for support-call tests: a store with a support price, a credit product, an owner,
a support agent and a plain agent; a shopper whose live session is attached to their cart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from cartstart_server.domain.tickets import cart_ref
from tests.helpers.peers import Account, HasWebSockets, Peer, peer, sign_up
from tests.integration.test_agents import agent_signed_in, bearer
from tests.integration.test_calls import until
from tests.integration.test_live import cid, live_hello, start_over_http

PRICE = 60  # 0.60 EUR a minute: one cent a second, so seconds and cents read alike


@dataclass
class Shop:
    store_id: str
    key: str
    owner: str  # tokens
    support: str
    agent: str
    support_id: str


async def support_shop(http: httpx.AsyncClient, store_id: str, key: str) -> Shop:
    """Settings (60 a minute, the `credit` product gives 10 minutes a unit), an owner, a
    support agent (Sam) and a plain agent (Pat)."""
    olga = await agent_signed_in(http, store_id, key, "olga@example.org", "owner")
    sam = await agent_signed_in(http, store_id, key, "sam@example.org")
    pat = await agent_signed_in(http, store_id, key, "pat@example.org")
    body = {
        "price_per_minute": PRICE,
        "currency": "EUR",
        "credit_product_id": "credit",
        "minutes_per_unit": 10,
    }
    r = await http.put(f"/api/stores/{store_id}/support", json=body, headers=bearer(olga["token"]))
    assert r.status_code == 200, r.text
    sam_id = sam["agent"]["agent_id"]
    r = await http.put(
        f"/api/stores/{store_id}/support/agents/{sam_id}",
        json={"support": True},
        headers=bearer(olga["token"]),
    )
    assert r.status_code == 200 and r.json()["support"] is True, r.text
    return Shop(store_id, key, olga["token"], sam["token"], pat["token"], sam_id)


async def attached_shopper(
    http: httpx.AsyncClient, store_id: str, email: str
) -> tuple[Account, str, str]:
    """A signed-in shopper with a session of the store attached: (account, link, session)."""
    who = await sign_up(http, email)
    link, _ = await start_over_http(http, store_id)
    r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=who.auth)
    assert r.status_code == 201, r.text
    return who, link, r.json()["session_id"]


def ref(store_id: str, who: Account) -> str:
    return cart_ref(store_id, who.cart_id)


async def grant(
    http: httpx.AsyncClient, shop: Shop, who: Account, amount: int, token: str | None = None
) -> httpx.Response:
    return await http.post(
        f"/api/stores/{shop.store_id}/support/credit",
        json={"cart_ref": ref(shop.store_id, who), "amount": amount, "reason": "Welcome gift"},
        headers=bearer(token or shop.owner),
    )


async def credit_of(http: httpx.AsyncClient, store_id: str, who: Account) -> dict[str, Any]:
    r = await http.get(f"/api/cart/support/{store_id}", headers=who.auth)
    assert r.status_code == 200, r.text
    return dict(r.json())


@asynccontextmanager
async def in_session(
    server: HasWebSockets, link: str, session_id: str, agent_token: str
) -> AsyncIterator[tuple[Peer, Peer]]:
    """The shopper's page (its link) and an agent's console in the session."""
    async with peer(server, "live") as visitor, peer(server, "live") as store:
        await live_hello(visitor, token=link)
        await until(visitor, "live_snapshot")
        await live_hello(store, token=agent_token, session_id=session_id)
        await until(store, "live_snapshot")
        await until(visitor, "presence", store=True)
        yield visitor, store


async def support_call(visitor: Peer, store: Peer) -> tuple[str, dict[str, Any]]:
    """Asked by the shopper, answered by the store's side: the call id and the credit plan."""
    asked = await visitor.command({"type": "call", "id": cid(), "support": True})
    assert asked["type"] == "result", asked
    call_id = asked["call"]["call_id"]
    assert asked["call"]["support"] is True
    answered = await store.command(
        {"type": "answer_call", "id": cid(), "call_id": call_id, "accept": True}
    )
    assert answered["call"]["state"] == "active", answered
    plan = await until(visitor, "credit_plan")
    assert plan == await until(store, "credit_plan")  # the same event, once, to both
    return call_id, plan
