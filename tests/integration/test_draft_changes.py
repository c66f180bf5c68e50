"""What reaches a draft's watchers besides edits (docs/personalise.md "How drafts work"), on
SQLite and on PostgreSQL + Redis: a changed form reaches every cart holding the product and the
store at once (a new draft version under the new form), a removed form ends the page's view, and
a link token revoked while its page long-polls ends the poll at once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from cartstart_server.server import HubServer
from tests.integration.draft_helpers import (
    bearer,
    buyer_holding,
    edit,
    invitation_shop,
    page_headers,
)

NEW_FORM = {
    "fields": [
        {"key": "wording", "label": "Your wording", "kind": "long_text", "required": True},
        {"key": "names", "label": "Names", "kind": "text"},
    ]
}


async def drafts_heard(http: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[Any]:
    r = await http.get(path, params={"after": 0}, headers=headers)
    assert r.status_code == 200, r.text
    return [m["draft"] for m in r.json()["messages"] if m["type"] == "draft_changed"]


async def test_a_changed_form_reaches_the_carts_holding_it_and_the_store(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    bob = await buyer_holding(http, shop, "bob@example.org")  # not started: version 0
    saved = (await edit(http, ana, shop.store_id, {"wording": "Hello"})).json()
    page = await page_headers(http, ana, store_id=shop.store_id)
    url = f"/api/page/drafts/{shop.store_id}/invites"
    waiting = asyncio.ensure_future(
        http.get(url, params={"version": saved["version"], "wait": 20}, headers=page)
    )
    await asyncio.sleep(0.2)
    form_url = f"/api/stores/{shop.store_id}/products/invites/form"
    r = await http.put(form_url, json=NEW_FORM, headers=bearer(shop.key))
    assert r.status_code == 200, r.text
    woken = await asyncio.wait_for(waiting, 10)
    assert woken.status_code == 200, woken.text
    assert woken.json()["version"] == saved["version"] + 1
    assert woken.json()["form"]["fields"][0]["label"] == "Your wording"
    assert woken.json()["form_version"] == saved["form_version"] + 1
    assert woken.json()["values"]["wording"]["value"] == "Hello"  # the values stay
    assert woken.json()["progress"]["required"] == 1
    for who, version in ((ana, saved["version"] + 1), (bob, 1)):
        *_, last = await drafts_heard(http, "/api/cart/events", who.auth)
        assert last["version"] == version and last["form_version"] == saved["form_version"] + 1
    store = await drafts_heard(http, f"/api/stores/{shop.store_id}/events", bearer(shop.key))
    changed = [d for d in store if d["form_version"] == saved["form_version"] + 1]
    assert sorted(d["cart_ref"] for d in changed) == sorted(
        [
            saved["cart_ref"],
            (await http.get(f"/api/cart/drafts/{shop.store_id}/invites", headers=bob.auth)).json()[
                "cart_ref"
            ],
        ]
    )
    # A page that passes the form's version it shows wakes on a newer one too.
    current = woken.json()
    r = await http.get(
        url,
        params={"version": current["version"], "form_version": 0, "wait": 20},
        headers=page,
    )
    assert r.status_code == 200 and r.json()["version"] == current["version"]
    # The form removed: the page's view of the draft ends (the product is not personalised).
    assert (await http.delete(form_url, headers=bearer(shop.key))).status_code == 204
    gone = await http.get(url, headers=page)
    assert gone.status_code == 404 and gone.json()["error"]["details"]["reason"] == "no_form"


async def test_a_link_token_revoked_while_its_page_long_polls_ends_the_poll(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop = await invitation_shop(server.hub)
    ana = await buyer_holding(http, shop, "ana@example.org")
    page = await page_headers(http, ana, store_id=shop.store_id)
    url = f"/api/page/drafts/{shop.store_id}/invites"
    waiting = asyncio.ensure_future(http.get(url, params={"version": 0, "wait": 25}, headers=page))
    await asyncio.sleep(0.2)
    (token,) = (await http.get("/api/cart/link-tokens", headers=ana.auth)).json()
    r = await http.delete(f"/api/cart/link-tokens/{token['token_id']}", headers=ana.auth)
    assert r.status_code == 204, r.text
    ended = await asyncio.wait_for(waiting, 10)  # well before its 25 s
    assert ended.status_code == 401, ended.text
