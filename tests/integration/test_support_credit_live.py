"""The shopper's credit with a store, live in every open session of theirs with that store
(docs/agents.md "Support calls", docs/protocol.md `credit`): a grant, a confirmed purchase, a
grant taken back and a call's charge are each a durable `credit` event in every such session,
heard at once on whichever node it is connected, replayed to a page that resumes; never in
another shopper's sessions, never in the shopper's sessions with another store. A polling
client reads the same balance. On SQLite and on PostgreSQL + Redis; the two-node case on
PostgreSQL + Redis."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Account, Peer, peer, sign_up
from tests.integration.support_helpers import (
    PRICE,
    Shop,
    attached_shopper,
    grant,
    in_session,
    support_call,
    support_shop,
)
from tests.integration.test_calls import until
from tests.integration.test_desk import desk, set_status
from tests.integration.test_live import cid, live_hello, start_over_http


def eur(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "EUR"}


async def attach(http: httpx.AsyncClient, who: Account, store_id: str) -> tuple[str, str]:
    """Another session of the store attached to the shopper's cart: (link, session id)."""
    link, _ = await start_over_http(http, store_id)
    r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=who.auth)
    assert r.status_code == 201, r.text
    return link, r.json()["session_id"]


async def opened(p: Peer, **hello: Any) -> Peer:
    await live_hello(p, **hello)
    await until(p, "live_snapshot")
    return p


async def credit(p: Peer) -> dict[str, Any]:
    """The next `credit` event (other frames, e.g. presence, are passed over), without its seq."""
    frame = await until(p, "credit")
    assert set(frame) == {"type", "seq", "balance", "price_per_minute"}, frame
    return {k: v for k, v in frame.items() if k != "seq"}


async def confirm_a_credit_purchase(
    http: httpx.AsyncClient, shop: Shop, who: Account, units: int
) -> None:
    for body in (
        {"type": "reserve", "store_id": shop.store_id, "product_id": "credit", "qty": units},
        {"type": "checkout"},
    ):
        r = await http.post("/api/cart/commands", json={**body, "id": cid()}, headers=who.auth)
        assert r.status_code == 200, r.text
    order_id = r.json()["orders"][0]["order_id"]
    r = await http.post(
        f"/api/stores/{shop.store_id}/orders/{order_id}/status",
        json={"status": "confirmed"},
        headers={"Authorization": f"Bearer {shop.key}"},
    )
    assert r.status_code == 200, r.text


async def test_every_open_session_of_the_shopper_with_the_store_hears_its_credit_change(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"credit": 10})
    shop = await support_shop(http, store_id, key)
    other_id, other_key = await seed_store(server.hub, "Other", {"credit": 10})
    other = await support_shop(http, other_id, other_key)
    alice, link, session_id = await attached_shopper(http, store_id, "alice@example.org")
    _link2, session2 = await attach(http, alice, store_id)
    link_elsewhere, _ = await attach(http, alice, other_id)
    bob, bob_link, _ = await attached_shopper(http, store_id, "bob@example.org")
    async with (
        peer(server, "live") as page,
        peer(server, "live") as desktop,
        peer(server, "live") as elsewhere,
        peer(server, "live") as bobs,
        peer(server, "live") as console,
    ):
        await opened(page, token=link)
        await opened(desktop, token=alice.token, session_id=session2)  # the desktop cart's way
        await opened(elsewhere, token=link_elsewhere)
        await opened(bobs, token=bob_link)
        await opened(console, token=shop.owner, session_id=session_id)

        # A grant reaches both of Alice's sessions with the store, with today's price.
        assert (await grant(http, shop, alice, 300)).status_code == 200
        for p in (page, desktop):
            assert await credit(p) == {
                "type": "credit",
                "balance": eur(300),
                "price_per_minute": eur(PRICE),
            }
        # Not Bob's page: the first credit it hears is Bob's own grant, after Alice's.
        assert (await grant(http, shop, bob, 120)).status_code == 200
        assert (await credit(bobs))["balance"] == eur(120)
        # Not Alice's session with the other store: the first it hears is that store's credit.
        assert (await grant(http, other, alice, 60)).status_code == 200
        assert (await credit(elsewhere))["balance"] == eur(60)
        # The store's side of the session reads it too (the store grants it and lists it).
        assert (await credit(console))["balance"] == eur(300)

        # A confirmed purchase of the credit product (2 × 10 minutes), then credit taken back.
        await confirm_a_credit_purchase(http, shop, alice, 2)
        for p in (page, desktop):
            assert (await credit(p))["balance"] == eur(300 + 2 * 10 * PRICE)
        assert (await grant(http, shop, alice, -500)).status_code == 200
        for p in (page, desktop):
            assert (await credit(p))["balance"] == eur(1000)

        # A support call in one session: its charge reaches the other session too.
        async with desk(server, shop.support) as (d, _snap):
            await set_status(d, "available")
            async with in_session(server, link, session_id, shop.support) as (visitor, store):
                call_id, _plan = await support_call(visitor, store)
                clock.advance(30)
                hung = await visitor.command({"type": "hang_up", "id": cid(), "call_id": call_id})
                assert hung["call"]["state"] == "ended", hung
                # In the session's stream: the charge's credit, then the call's report.
                assert (await credit(visitor))["balance"] == eur(970)
                report = await until(visitor, "support_report")
                assert report["balance"] == eur(970)
                assert (await credit(desktop))["balance"] == eur(970)

    # A polling client reads the same from its snapshot, and the events after it.
    r = await http.get("/api/live/session", headers={"Authorization": f"Bearer {link}"})
    assert r.status_code == 200, r.text
    assert r.json()["support"]["balance"] == eur(970)
    r = await http.get(
        "/api/live/session/events", params={"after": 0}, headers={"Authorization": f"Bearer {link}"}
    )
    polled = [m["balance"]["amount"] for m in r.json()["messages"] if m["type"] == "credit"]
    assert polled == [300, 1500, 1000, 970]


async def test_a_page_that_resumes_hears_the_credit_given_while_it_was_away(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"credit": 10})
    shop = await support_shop(http, store_id, key)
    alice, link, _ = await attached_shopper(http, store_id, "alice@example.org")
    async with peer(server, "live") as page:
        welcome = await live_hello(page, token=link)
        snap = await until(page, "live_snapshot")
        assert snap["support"]["balance"] == eur(0)
        head = welcome["head_seq"]
    # Away (a network blip): two grants, in order.
    assert (await grant(http, shop, alice, 300)).status_code == 200
    assert (await grant(http, shop, alice, -120)).status_code == 200
    async with peer(server, "live") as page:
        welcome = await live_hello(page, token=link, resume_from=head)
        assert welcome["resumed"] is True, welcome
        assert (await credit(page))["balance"] == eur(300)
        assert (await credit(page))["balance"] == eur(180)


@pytest.mark.backends("postgres")
async def test_a_grant_on_one_node_reaches_the_shoppers_page_on_the_other_and_no_one_else(
    nodes: tuple[HubServer, HubServer],
) -> None:
    a, b = nodes
    async with httpx.AsyncClient(base_url=a.http_url, timeout=10) as http:
        store_id, key = await seed_store(a.hub, "Shop", {"credit": 10})
        shop = await support_shop(http, store_id, key)
        other_id, other_key = await seed_store(a.hub, "Other", {"credit": 10})
        other = await support_shop(http, other_id, other_key)
        alice, link, _ = await attached_shopper(http, store_id, "alice@example.org")
        link_elsewhere, _ = await attach(http, alice, other_id)
        bob = await sign_up(http, "bob@example.org")
        bob_link, _ = await attach(http, bob, store_id)
        async with (
            peer(b, "live") as page,
            peer(b, "live") as elsewhere,
            peer(b, "live") as bobs,
        ):
            await opened(page, token=link)
            await opened(elsewhere, token=link_elsewhere)
            await opened(bobs, token=bob_link)
            assert (await grant(http, shop, alice, 240)).status_code == 200  # on node A
            assert (await credit(page))["balance"] == eur(240)  # heard on node B
            assert (await grant(http, shop, bob, 60)).status_code == 200
            assert (await credit(bobs))["balance"] == eur(60)  # Bob's own, not Alice's
            assert (await grant(http, other, alice, 120)).status_code == 200
            assert (await credit(elsewhere))["balance"] == eur(120)  # this store's only
