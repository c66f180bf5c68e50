"""Drafts of personalised products (docs/personalise.md "How drafts work"), on SQLite and on
PostgreSQL + Redis: the buyer saves, the store follows (list, view, events on both streams),
last writer wins per field, the takeover needs the buyer's consent, comments, a save near
expiry renews the hold, and the page's long-poll wakes on a change."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.integration.draft_helpers import (
    bearer,
    buyer_holding,
    edit,
    hold,
    invitation_shop,
    page_headers,
)
from tests.integration.test_agents import agent_signed_in

WORDING = "Ana & Ben invite you"


async def events(http: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[Any]:
    r = await http.get(path, params={"after": 0}, headers=headers)
    assert r.status_code == 200, r.text
    return [m for m in r.json()["messages"] if m["type"] == "draft_changed"]


async def test_a_buyers_saves_reach_the_store_while_the_product_is_held(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    r = await http.get("/api/cart/drafts", headers=ana.auth)
    assert r.status_code == 200, r.text
    (unstarted,) = r.json()
    assert unstarted["version"] == 0 and unstarted["held"] is True
    assert unstarted["progress"] == {
        "done": 0,
        "required": 3,
        "missing": ["Wording", "Names", "Guest list"],
        "complete": False,
    }
    summaries = await http.get(f"/api/stores/{shop.store_id}/drafts", headers=bearer(shop.key))
    assert [(s["product_id"], s["version"]) for s in summaries.json()] == [("invites", 0)]

    r = await edit(http, ana, shop.store_id, {"wording": WORDING, "names": ""})
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["version"] == 1 and draft["last_edit_by"] == "buyer"
    assert draft["values"]["wording"]["value"] == WORDING
    assert draft["values"]["wording"]["by"] == "buyer"
    assert draft["values"]["names"]["value"] is None  # "" clears
    assert draft["progress"]["done"] == 1 and draft["progress"]["missing"] == [
        "Names",
        "Guest list",
    ]
    # Partial saves are fine: a later visit adds the rest, the first values stay.
    r = await edit(http, ana, shop.store_id, {"names": "Ana and Ben"})
    assert r.json()["values"]["wording"]["value"] == WORDING and r.json()["version"] == 2

    seen = await http.get(shop.drafts(ana), headers=bearer(shop.key))
    assert seen.status_code == 200, seen.text
    assert seen.json()["values"]["names"]["value"] == "Ana and Ben"
    assert seen.json()["cart_ref"] == draft["cart_ref"]
    (summary,) = (
        await http.get(f"/api/stores/{shop.store_id}/drafts", headers=bearer(shop.key))
    ).json()
    assert summary["version"] == 2 and summary["progress"]["done"] == 2
    assert summary["last_edit_by"] == "buyer" and summary["qty"] == 1

    cart_events = await events(http, "/api/cart/events", ana.auth)
    store_events = await events(http, f"/api/stores/{shop.store_id}/events", bearer(shop.key))
    assert [e["draft"]["version"] for e in cart_events] == [1, 2]
    assert [e["draft"]["version"] for e in store_events] == [1, 2]


async def test_bad_values_change_nothing(server: HubServer, http: httpx.AsyncClient) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    assert (await edit(http, ana, shop.store_id, {"wording": WORDING})).status_code == 200
    for values in ({"names": "x" * 81, "wording": "changed"}, {"nope": "x"}, {}):
        r = await edit(http, ana, shop.store_id, values)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] in ("bad_value", "invalid_message")
    r = await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)
    assert r.json()["version"] == 1 and r.json()["values"]["wording"]["value"] == WORDING
    r = await edit(http, ana, shop.store_id, {"wording": "x"}, product_id="pens")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


async def test_the_shop_edits_only_after_the_buyer_allows_it(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    pat = await agent_signed_in(http, shop.store_id, shop.key, "pat@example.org")
    as_pat = bearer(pat["token"])
    ana = await buyer_holding(http, shop, "ana@example.org")
    page = await page_headers(http, ana, store_id=shop.store_id)
    consent = f"/api/page/drafts/{shop.store_id}/invites/consent"

    async def shop_edit() -> httpx.Response:
        return await http.post(shop.drafts(ana), json={"values": {"names": "Pat"}}, headers=as_pat)

    r = await shop_edit()
    assert r.status_code == 403 and "has not let the shop edit" in r.json()["error"]["message"]
    r = await http.post(consent, json={"allow": True}, headers=page)
    assert r.status_code == 409  # nothing asked: nothing to allow
    r = await http.post(shop.drafts(ana) + "/takeover", headers=as_pat)
    assert r.status_code == 200 and r.json()["shop_editing"] == "asked"
    assert (await shop_edit()).status_code == 403  # asked is not allowed
    r = await http.post(consent, json={"allow": True}, headers=page)
    assert r.status_code == 200 and r.json()["shop_editing"] == "allowed"
    r = await http.post(shop.drafts(ana) + "/takeover", headers=as_pat)
    assert r.json()["shop_editing"] == "allowed"  # asking again keeps it allowed
    r = await shop_edit()
    assert r.status_code == 200, r.text
    names = r.json()["values"]["names"]
    assert (names["value"], names["by"], names["by_name"]) == ("Pat", "shop", "Pat")
    assert r.json()["last_edit_by"] == "shop"
    # The buyer stops it at any time.
    r = await http.post(consent, json={"allow": False}, headers=page)
    assert r.json()["shop_editing"] == "off"
    assert (await shop_edit()).status_code == 403
    # With the key, the shop's name is the store's.
    await http.post(shop.drafts(ana) + "/takeover", headers=bearer(shop.key))
    await http.post(consent, json={"allow": True}, headers=page)
    r = await http.post(
        shop.drafts(ana), json={"values": {"wording": "From the shop"}}, headers=bearer(shop.key)
    )
    assert r.json()["values"]["wording"]["by_name"] == "Paper Moon"
    r = await http.delete(shop.drafts(ana) + "/takeover", headers=as_pat)
    assert r.json()["shop_editing"] == "off"


async def test_two_editors_on_one_field_the_last_committed_write_wins(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    await http.post(shop.drafts(ana) + "/takeover", headers=bearer(shop.key))
    await http.post(
        f"/api/cart/drafts/{shop.store_id}/invites/consent", json={"allow": True}, headers=ana.auth
    )
    base = (await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)).json()

    async def write(i: int) -> dict[str, Any]:
        values = {"names": f"names {i}"}
        if i % 2:
            r = await edit(http, ana, shop.store_id, values)
        else:
            r = await http.post(shop.drafts(ana), json={"values": values}, headers=bearer(shop.key))
        assert r.status_code == 200, r.text
        return dict(r.json())

    answers = await asyncio.gather(*(write(i) for i in range(12)))
    versions = sorted(a["version"] for a in answers)
    assert versions == list(range(base["version"] + 1, base["version"] + 13))  # one at a time
    last = max(answers, key=lambda a: a["version"])
    final = (await http.get(shop.drafts(ana), headers=bearer(shop.key))).json()
    assert final["values"]["names"] == last["values"]["names"]  # the later commit won
    assert final["version"] == last["version"]
    assert final["values"]["names"]["by"] == (
        "buyer" if last["last_edit_by"] == "buyer" else "shop"
    )


async def test_first_edits_at_once_keep_both_fields(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    page = await page_headers(http, ana)
    r1, r2 = await asyncio.gather(
        edit(http, ana, shop.store_id, {"wording": WORDING}),
        http.post(
            f"/api/page/drafts/{shop.store_id}/invites",
            json={"values": {"names": "Ana"}},
            headers=page,
        ),
    )
    assert r1.status_code == r2.status_code == 200, (r1.text, r2.text)
    final = (await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)).json()
    assert final["version"] == 2
    assert final["values"]["wording"]["value"] == WORDING
    assert final["values"]["names"]["value"] == "Ana"


async def test_comments_reach_the_buyer_and_have_limits(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    pat = await agent_signed_in(http, shop.store_id, shop.key, "pat@example.org")
    ana = await buyer_holding(http, shop, "ana@example.org")
    hostile = "<img src=x onerror=alert(1)> check the date"
    r = await http.post(
        shop.drafts(ana) + "/comments",
        json={"field": "wording", "text": hostile},
        headers=bearer(pat["token"]),
    )
    assert r.status_code == 200, r.text
    await http.post(
        shop.drafts(ana) + "/comments", json={"text": "Looks good"}, headers=bearer(shop.key)
    )
    mine = (await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)).json()
    got = [(c["field"], c["text"], c["by_name"]) for c in mine["comments"]]
    assert got == [("wording", hostile, "Pat"), (None, "Looks good", "Paper Moon")]
    assert mine["version"] == 2 and mine["last_edit_at"] is None  # comments are not edits
    # A retry with the same Idempotency-Key adds the comment once.
    once = {**bearer(shop.key), "Idempotency-Key": "comment-0001"}
    first = await http.post(shop.drafts(ana) + "/comments", json={"text": "Once"}, headers=once)
    again = await http.post(shop.drafts(ana) + "/comments", json={"text": "Once"}, headers=once)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    other = await http.post(shop.drafts(ana) + "/comments", json={"text": "Twice"}, headers=once)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"
    mine = (await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=ana.auth)).json()
    assert [c["text"] for c in mine["comments"]][2:] == ["Once"]
    for body in ({"field": "nope", "text": "x"}, {"text": ""}, {"text": "x" * 1001}):
        r = await http.post(shop.drafts(ana) + "/comments", json=body, headers=bearer(shop.key))
        assert r.status_code == 422, (body, r.text)
    r = await http.post(
        f"/api/cart/drafts/{shop.store_id}/invites/comments", json={"text": "hi"}, headers=ana.auth
    )
    assert r.status_code in (404, 405)  # the buyer answers by editing or in chat


async def test_a_save_near_expiry_renews_the_hold_within_the_stores_limit(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    shop = await invitation_shop(server.hub, ttl=600, renewal_limit=1)
    ana = await buyer_holding(http, shop, "ana@example.org")
    first = (await edit(http, ana, shop.store_id, {"wording": "a"})).json()
    assert first["expires_at"] == clock.now() + 600  # far from expiry: not renewed
    clock.advance(590)  # within the hub's expiry warning (60 s)
    renewed = (await edit(http, ana, shop.store_id, {"wording": "b"})).json()
    assert renewed["expires_at"] == clock.now() + 600
    clock.advance(590)
    kept = await edit(http, ana, shop.store_id, {"wording": "c"})
    assert kept.status_code == 200  # the limit is reached: saved, not renewed
    assert kept.json()["expires_at"] == renewed["expires_at"]
    assert kept.json()["values"]["wording"]["value"] == "c"
    snapshot = (await http.get("/api/cart", headers=ana.auth)).json()
    (ticket,) = snapshot["tickets"]
    assert ticket["renewals_left"] == 0 and ticket["expires_at"] == renewed["expires_at"]


async def test_the_pages_long_poll_wakes_on_a_change(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    page = await page_headers(http, ana, store_id=shop.store_id)
    url = f"/api/page/drafts/{shop.store_id}/invites"
    now = (await http.get(url, headers=page)).json()
    assert now["version"] == 0
    unchanged = await http.get(url, params={"version": 0, "wait": 0.2}, headers=page)
    assert unchanged.status_code == 200 and unchanged.json()["version"] == 0
    waiting = asyncio.ensure_future(http.get(url, params={"version": 0, "wait": 20}, headers=page))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await hold(http, ana, shop.store_id, "pens")  # another event of the cart: still waiting
    await asyncio.sleep(0.3)
    assert not waiting.done()
    r = await http.post(
        shop.drafts(ana) + "/comments", json={"text": "Welcome"}, headers=bearer(shop.key)
    )
    assert r.status_code == 200
    woken = await asyncio.wait_for(waiting, 10)
    assert woken.status_code == 200 and woken.json()["version"] == 1
    assert woken.json()["comments"][0]["text"] == "Welcome"
    # A version the page does not have yet answers at once.
    r = await http.get(url, params={"version": 0, "wait": 20}, headers=page)
    assert r.json()["version"] == 1


async def test_checkout_waits_for_the_draft_then_the_order_carries_it(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    # The form set through the store's own route, as a shop does (with a per-guest price).
    form = {
        "fields": [
            {"key": "wording", "label": "Wording", "kind": "long_text", "required": True},
            {
                "key": "guests",
                "label": "Guest list",
                "kind": "rows",
                "required": True,
                "columns": [{"key": "name", "label": "Name", "kind": "text", "required": True}],
            },
        ],
        "price_rules": [{"kind": "per_row", "field": "guests", "amount": 100}],
    }
    r = await http.put(
        f"/api/stores/{shop.store_id}/products/invites/form", json=form, headers=bearer(shop.key)
    )
    assert r.status_code == 200, r.text
    ana = await buyer_holding(http, shop, "ana@example.org")
    page = await page_headers(http, ana, store_id=shop.store_id)
    r = await http.post(
        f"/api/page/drafts/{shop.store_id}/invites",
        json={"values": {"wording": WORDING}},
        headers=page,
    )
    assert r.json()["progress"]["missing"] == ["Guest list"]
    checkout = {"type": "checkout", "id": "draft-checkout-1"}
    r = await http.post("/api/cart/commands", json=checkout, headers=ana.auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "customisation_incomplete"
    guests = [{"name": "Ana"}, {"name": "Ben"}]
    r = await edit(http, ana, shop.store_id, {"guests": guests})
    assert r.json()["progress"]["complete"] is True
    assert r.json()["unit_price"] == {"amount": 1200, "currency": "EUR"}
    r = await http.post(
        "/api/cart/commands", json={**checkout, "id": "draft-checkout-2"}, headers=ana.auth
    )
    assert r.status_code == 200, r.text
    (order,) = r.json()["orders"]
    (line,) = order["lines"]
    assert [c["key"] for c in line["customisation"]] == ["wording", "guests"]
    assert line["unit_price"]["amount"] == 1200
    # Bought: the order carries it, the draft is gone for both sides.
    assert (await http.get("/api/cart/drafts", headers=ana.auth)).json() == []
    assert (await http.get(shop.drafts(ana), headers=bearer(shop.key))).status_code == 404
