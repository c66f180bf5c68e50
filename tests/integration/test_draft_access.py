"""Who reaches a draft (docs/personalise.md "How drafts work"), on SQLite and on PostgreSQL +
Redis: another store, another store's agent, another cart and a link token for another store are
denied; the store sees a draft only while the product is held in that cart (after a release or
an expiry it is the buyer's alone); and two hub nodes share drafts' events and long-polls."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.conftest import Nodes
from tests.helpers.peers import peer, sign_up
from tests.helpers.waiting import eventually
from tests.integration.draft_helpers import (
    SHOP_ORIGIN,
    bearer,
    buyer_holding,
    edit,
    hold,
    invitation_shop,
    page_headers,
    release,
)
from tests.integration.test_agents import agent_signed_in


async def test_other_stores_their_agents_and_other_carts_are_denied(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    other = await invitation_shop(server.hub, "Other Paper")
    stranger = await agent_signed_in(http, other.store_id, other.key, "sam@example.org")
    ana = await buyer_holding(http, shop, "ana@example.org")
    assert (await edit(http, ana, shop.store_id, {"wording": "secret"})).status_code == 200
    draft = shop.drafts(ana)
    for token in (other.key, stranger["token"]):
        for method, path, body in [
            ("GET", f"/api/stores/{shop.store_id}/drafts", None),
            ("GET", draft, None),
            ("POST", draft + "/comments", {"text": "hi"}),
            ("POST", draft + "/takeover", None),
            ("DELETE", draft + "/takeover", None),
            ("POST", draft, {"values": {"names": "x"}}),
        ]:
            r = await http.request(method, path, json=body, headers=bearer(token))
            assert r.status_code == 403, (method, path, r.text)
    # The other store asking about the same cart under its own name finds nothing.
    r = await http.get(other.drafts(ana), headers=bearer(other.key))
    assert r.status_code == 404
    r = await http.get(other.drafts(shop.drafts(ana).split("/")[-2]), headers=bearer(other.key))
    assert r.status_code == 404
    assert (await http.get(draft)).status_code == 401  # no credential

    bob = await sign_up(http, "bob@example.org")
    r = await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=bob.auth)
    assert r.status_code == 200 and r.json()["version"] == 0 and r.json()["values"] == {}
    assert (await http.get("/api/cart/drafts", headers=bob.auth)).json() == []
    r = await edit(http, bob, shop.store_id, {"wording": "mine"})
    assert r.status_code == 404  # never held: nothing to personalise
    r = await http.post(
        f"/api/cart/drafts/{shop.store_id}/invites/consent", json={"allow": False}, headers=bob.auth
    )
    assert r.status_code == 404
    mine = (await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)).json()
    assert mine["values"]["wording"]["value"] == "secret"


async def test_a_link_token_reaches_only_its_stores_drafts_from_its_pages(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    other = await invitation_shop(server.hub, "Other Paper")
    ana = await buyer_holding(http, shop, "ana@example.org")
    url = f"/api/page/drafts/{shop.store_id}/invites"
    scoped_elsewhere = await page_headers(http, ana, store_id=other.store_id)
    for method, path, body in [
        ("GET", url, None),
        ("POST", url, {"values": {"wording": "x"}}),
        ("POST", url + "/consent", {"allow": False}),
    ]:
        r = await http.request(method, path, json=body, headers=scoped_elsewhere)
        assert r.status_code == 403, (method, path, r.text)
    page = await page_headers(http, ana, store_id=shop.store_id)
    wrong_site = {**page, "Origin": "https://evil.example"}
    r = await http.get(url, headers=wrong_site)
    assert r.status_code == 403
    assert (await http.get(url, headers={"Origin": SHOP_ORIGIN})).status_code == 401
    r = await http.post(url, json={"values": {"wording": "From the page"}}, headers=page)
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == SHOP_ORIGIN
    # A session token is not a link token, nor a store key.
    assert (await http.get(url, headers=ana.auth)).status_code == 401
    assert (await http.get(url, headers=bearer(shop.key))).status_code == 401


async def test_after_a_release_the_draft_is_the_buyers_alone(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await sign_up(http, "ana@example.org")
    ticket = await hold(http, ana, shop.store_id)
    assert (await edit(http, ana, shop.store_id, {"wording": "first"})).status_code == 200
    consent = f"/api/cart/drafts/{shop.store_id}/invites/consent"
    await http.post(shop.drafts(ana) + "/takeover", headers=bearer(shop.key))
    r = await http.post(consent, json={"allow": True}, headers=ana.auth)
    assert r.json()["shop_editing"] == "allowed"
    await release(http, ana, ticket["ticket_id"])
    r = await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)
    assert r.json()["shop_editing"] == "off"  # the consent ended with the hold
    assert (await http.get(shop.drafts(ana), headers=bearer(shop.key))).status_code == 404
    key = bearer(shop.key)
    r = await http.post(shop.drafts(ana) + "/comments", json={"text": "hi"}, headers=key)
    assert r.status_code == 404
    assert (await http.post(shop.drafts(ana) + "/takeover", headers=key)).status_code == 404
    summaries = await http.get(f"/api/stores/{shop.store_id}/drafts", headers=bearer(shop.key))
    assert summaries.json() == []
    store_events = f"/api/stores/{shop.store_id}/events"
    before = (await http.get(store_events, headers=bearer(shop.key))).json()["head_seq"]
    r = await edit(http, ana, shop.store_id, {"wording": "second"})
    assert r.status_code == 200 and r.json()["held"] is False and r.json()["expires_at"] is None
    after = (await http.get(store_events, headers=bearer(shop.key))).json()["head_seq"]
    assert after == before  # nothing reaches the store
    (kept,) = (await http.get("/api/cart/drafts", headers=ana.auth)).json()
    assert kept["values"]["wording"]["value"] == "second" and kept["held"] is False
    # Held again: the store sees the same draft once more.
    await hold(http, ana, shop.store_id)
    r = await http.get(shop.drafts(ana), headers=bearer(shop.key))
    assert r.status_code == 200 and r.json()["values"]["wording"]["value"] == "second"
    # ...but not the consent given under the earlier hold: the shop asks again.
    assert r.json()["shop_editing"] == "off"
    (summary,) = (await http.get(f"/api/stores/{shop.store_id}/drafts", headers=key)).json()
    assert summary["shop_editing"] == "off"
    r = await http.post(shop.drafts(ana), json={"values": {"names": "x"}}, headers=key)
    assert r.status_code == 403


async def test_after_an_expiry_the_store_sees_nothing(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    shop = await invitation_shop(server.hub, ttl=120)
    ana = await buyer_holding(http, shop, "ana@example.org")
    await edit(http, ana, shop.store_id, {"wording": "before"})
    clock.advance(121)
    server.hub.scheduler.notify(clock.now())

    async def gone() -> bool:
        r = await http.get(shop.drafts(ana), headers=bearer(shop.key))
        return r.status_code == 404

    await eventually(gone, what="the store no longer sees the draft")
    r = await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)
    assert r.json()["values"]["wording"]["value"] == "before" and r.json()["held"] is False


@pytest.mark.backends("postgres")
async def test_two_nodes_share_drafts_events_and_long_polls(nodes: Nodes) -> None:
    a, b = nodes
    shop = await invitation_shop(a.hub)
    async with (
        httpx.AsyncClient(base_url=a.http_url, timeout=30) as http_a,
        httpx.AsyncClient(base_url=b.http_url, timeout=30) as http_b,
        peer(b, "store") as store_b,
    ):
        ana = await buyer_holding(http_a, shop, "ana@example.org")
        await store_b.hello(shop.key)
        await store_b.expect("snapshot")
        r = await edit(http_a, ana, shop.store_id, {"names": "Ana & Ben"})
        assert r.status_code == 200
        while (event := await store_b.recv())["type"] != "draft_changed":
            pass
        assert event["draft"]["values"]["names"]["value"] == "Ana & Ben"

        page = await page_headers(http_b, ana, store_id=shop.store_id)
        url = f"/api/page/drafts/{shop.store_id}/invites"
        version = r.json()["version"]
        waiting = asyncio.ensure_future(
            http_b.get(url, params={"version": version, "wait": 20}, headers=page)
        )
        await asyncio.sleep(0.2)
        r = await http_a.post(
            shop.drafts(ana) + "/comments", json={"text": "Lovely"}, headers=bearer(shop.key)
        )
        assert r.status_code == 200
        woken = await asyncio.wait_for(waiting, 15)
        assert woken.json()["version"] == version + 1
        assert woken.json()["comments"][0]["text"] == "Lovely"

        # Saves through both nodes at once: applied one at a time, none lost, and each field
        # keeps the value of its last committed save.
        async def save(i: int) -> tuple[int, str, str]:
            field = "names" if i % 2 else "wording"
            r = await edit(http_a if i % 2 else http_b, ana, shop.store_id, {field: f"v{i}"})
            assert r.status_code == 200, r.text
            return int(r.json()["version"]), field, f"v{i}"

        saves = sorted(await asyncio.gather(*(save(i) for i in range(8))))
        assert [v for v, _, _ in saves] == list(range(version + 2, version + 10))
        final = (await http_a.get(shop.drafts(ana), headers=bearer(shop.key))).json()
        last = {field: value for _, field, value in saves}  # the later version overwrites
        assert {k: final["values"][k]["value"] for k in last} == last
