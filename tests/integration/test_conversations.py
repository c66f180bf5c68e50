"""Conversations from the store's own pages (docs/agents.md "Talking with visitors from the
page"), on SQLite and on PostgreSQL + Redis: `start_session` with the page's address records the
session's origin (only a site the store registered, and only the page's own); the store sends the
visitor's page elsewhere on that site with `navigate` (a durable `navigated` event a resume
replays); everything else is refused in words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from cartstart_server.server import HubServer
from cartstart_server.storage.sql import Plan, Row, Stmt, one
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, UpsertProducts
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Peer, peer
from tests.integration.test_agents import agent_signed_in, bearer
from tests.integration.test_calls import until
from tests.integration.test_live import cid, live_hello

SHOP = "http://shop.example:8750"
OUTLET = "https://outlet.shop.example"  # the same store's second site
EVIL = "https://evil.example"
NOT_ON_SITE = "that address is not on this store's site"


def session_row(session_id: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM live_sessions WHERE id = ?", (session_id,))))


async def shop(server: HubServer, name: str = "Shop") -> tuple[str, str]:
    store_id, key = await seed_store(server.hub, name, {"mug": 3}, origins=[SHOP, OUTLET])
    products = [
        ProductIn(id="vase", name="Vase", price=Price(amount=900, currency="EUR"),
                  page_url=f"{SHOP}/products/vase"),
        ProductIn(id="bowl", name="Bowl", price=Price(amount=900, currency="EUR")),
    ]  # fmt: skip
    await server.hub.stores.command(store_id, UpsertProducts(id=cid(), products=products))
    return store_id, key


async def start_from_page(
    server: HubServer, store_id: str, page_url: str, origin: str | None = SHOP, **extra: Any
) -> dict[str, Any]:
    """`start_session` in public mode, as the talk panel sends it from a page of `origin`."""
    async with peer(server, "live", origin=origin) as public:
        await live_hello(public, store_id=store_id)
        await public.expect("public_snapshot")
        return await public.command(
            {"type": "start_session", "id": cid(), "page_url": page_url, **extra}
        )


@asynccontextmanager
async def talking(
    server: HubServer, store_id: str, store_token: str, page_url: str = f"{SHOP}/products/mug"
) -> AsyncIterator[tuple[Peer, Peer, str, str]]:
    """A session started from the store's page, its visitor and the store (or an agent) in it."""
    started = await start_from_page(server, store_id, page_url, visitor_id="v-1234abcd")
    assert started["type"] == "result", started
    link, session_id = started["link"], started["session"]["session_id"]
    async with peer(server, "live", origin=SHOP) as visitor, peer(server, "live") as store:
        await live_hello(visitor, token=link)
        await until(visitor, "live_snapshot")
        await live_hello(store, token=store_token, session_id=session_id)
        await until(store, "live_snapshot")
        yield visitor, store, link, session_id


async def test_a_session_from_the_stores_page_records_its_origin_and_page(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await shop(server)
    page = f"{SHOP}/products/mug?colour=blue"
    started = await start_from_page(server, store_id, page, visitor_id="v-1234abcd", label="Mo")
    assert started["type"] == "result", started
    assert started["session"]["page_url"] == page
    row = await server.hub.db.read(session_row(started["session"]["session_id"]))
    assert row is not None
    assert (row["visitor_id"], row["origin"], row["page_url"]) == ("v-1234abcd", SHOP, page)
    # The console's lobby says where it came from.
    lobby = (await http.get(f"/api/stores/{store_id}/live/sessions", headers=bearer(key))).json()
    assert [s["page_url"] for s in lobby["sessions"]] == [page]
    # Over HTTP too (the panel when WebSockets fail), from the store's other site.
    r = await http.post(
        f"/api/live/stores/{store_id}/sessions",
        json={"page_url": f"{OUTLET}/sale", "visitor_id": "v-99"},
        headers={"Origin": OUTLET},
    )
    assert r.status_code == 201, r.text
    assert r.headers["access-control-allow-origin"] == OUTLET
    row = await server.hub.db.read(session_row(r.json()["session"]["session_id"]))
    assert row is not None and row["origin"] == OUTLET
    # The hub's own live page starts sessions as before: no page, no origin.
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Ann"})
    row = await server.hub.db.read(session_row(r.json()["session"]["session_id"]))
    assert row is not None and (row["origin"], row["page_url"]) == (None, None)


async def test_a_page_not_on_the_stores_site_cannot_start_from_it(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, _ = await shop(server)
    other_id, _ = await seed_store(server.hub, "Other", {"cup": 1}, origins=[EVIL])
    cases = [
        (f"{EVIL}/products/mug", EVIL),  # another store's site (registered, not this store's)
        (f"{SHOP}/products/mug", EVIL),  # a page claiming the store's address
        (f"{SHOP}/products/mug", OUTLET),  # the store's other site claiming the first one
        ("https://nowhere.example/", None),  # no browser, still not the store's site
    ]
    for page_url, origin in cases:
        refused = await start_from_page(server, store_id, page_url, origin)
        assert refused["type"] == "error", (page_url, origin, refused)
        assert (refused["code"], refused["message"]) == ("forbidden", NOT_ON_SITE)
    bad = await start_from_page(server, store_id, "javascript:alert(1)")
    assert bad["code"] == "invalid_message"
    r = await http.post(
        f"/api/live/stores/{store_id}/sessions",
        json={"page_url": f"{EVIL}/x"},
        headers={"Origin": EVIL},
    )
    assert r.status_code == 403 and r.json()["error"]["message"] == NOT_ON_SITE
    # The other store's own page starts its own sessions.
    ok = await start_from_page(server, other_id, f"{EVIL}/cup", EVIL)
    assert ok["type"] == "result"


async def test_navigate_sends_the_visitors_page_and_a_resume_replays_it(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await shop(server)
    ana = await agent_signed_in(http, store_id, key, "ana@example.org")
    async with talking(server, store_id, ana["token"]) as (visitor, store, link, session_id):
        said = await visitor.command({"type": "say", "id": cid(), "text": "Any blue vases?"})
        to = f"{SHOP}/products/vase?colour=blue#top"
        command = {"type": "navigate", "id": cid(), "url": to}
        sent = await store.command(command)
        assert sent["type"] == "result" and sent["url"] == to, sent
        heard = await until(visitor, "navigated")
        assert (heard["url"], heard["by"]) == (to, "store")
        assert heard["seq"] > said["message"]["seq"]
        assert (await until(store, "navigated"))["seq"] == heard["seq"]
        assert await store.command(command) == sent  # a retry: the same answer, no second event
        by_product = await store.command({"type": "navigate", "id": cid(), "product_id": "vase"})
        assert by_product["url"] == f"{SHOP}/products/vase"
        second = await until(visitor, "navigated")
        assert second["seq"] == heard["seq"] + 1
    # The page after the navigation resumes from what it had: the navigation is replayed once.
    async with peer(server, "live") as again:
        welcome = await live_hello(again, token=link, resume_from=heard["seq"] - 1)
        assert welcome["resumed"] is True
        replayed = await until(again, "navigated")
        assert replayed["seq"] == heard["seq"] and replayed["url"] == to
        assert (await until(again, "navigated"))["seq"] == second["seq"]
    events = (await http.get("/api/live/session/events?after=0", headers=bearer(link))).json()
    assert [m["url"] for m in events["messages"] if m["type"] == "navigated"] == [
        to,
        f"{SHOP}/products/vase",
    ]
    # Over HTTP with the key, as the console's polling would.
    r = await http.post(
        f"/api/stores/{store_id}/live/sessions/{session_id}/commands",
        json={"type": "navigate", "id": cid(), "url": f"{SHOP}/"},
        headers=bearer(key),
    )
    assert r.status_code == 200 and r.json()["url"] == f"{SHOP}/"


async def test_navigate_refuses_other_sites_products_without_pages_and_the_visitor(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await shop(server)
    async with talking(server, store_id, key) as (visitor, store, link, _session_id):
        for url in (f"{EVIL}/products/vase", f"{OUTLET}/products/vase", "http://shop.example/"):
            refused = await store.command({"type": "navigate", "id": cid(), "url": url})
            assert (refused["code"], refused["message"]) == ("forbidden", NOT_ON_SITE), url
        for bad in ({"url": "javascript:alert(1)"}, {}, {"url": f"{SHOP}/", "product_id": "vase"}):
            refused = await store.command({"type": "navigate", "id": cid(), **bad})
            assert refused["code"] == "invalid_message", bad
        no_page = await store.command({"type": "navigate", "id": cid(), "product_id": "bowl"})
        assert no_page["code"] == "not_found" and "no page address" in no_page["message"]
        unknown = await store.command({"type": "navigate", "id": cid(), "product_id": "ghost"})
        assert unknown["code"] == "not_found"
        mine = await visitor.command({"type": "navigate", "id": cid(), "url": f"{SHOP}/"})
        assert mine["code"] == "forbidden" and "only the store" in mine["message"]
        over_http = await http.post(
            "/api/live/session/commands",
            json={"type": "navigate", "id": cid(), "url": f"{SHOP}/"},
            headers={**bearer(link), "Origin": SHOP},
        )
        assert over_http.status_code == 403
        assert over_http.headers["access-control-allow-origin"] == SHOP
        ok = await store.command({"type": "navigate", "id": cid(), "url": f"{SHOP}/ok"})
        assert ok["type"] == "result"  # the connection went on through every refusal
    events = (await http.get("/api/live/session/events?after=0", headers=bearer(link))).json()
    assert [m["url"] for m in events["messages"] if m["type"] == "navigated"] == [f"{SHOP}/ok"]


async def test_another_stores_credential_and_a_hosted_session_cannot_navigate(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await shop(server)
    other_id, other_key = await shop(server, "Other")
    stranger = await agent_signed_in(http, other_id, other_key, "zed@example.org")
    async with talking(server, store_id, key) as (_visitor, _store, _link, session_id):
        for token in (other_key, stranger["token"]):
            async with peer(server, "live") as intruder:
                await intruder.send(
                    {"type": "hello", "versions": [1], "token": token, "session_id": session_id}
                )
                refused = await intruder.expect("error")
                assert refused["code"] == "not_found"
            r = await http.post(
                f"/api/stores/{store_id}/live/sessions/{session_id}/commands",
                json={"type": "navigate", "id": cid(), "url": f"{SHOP}/"},
                headers=bearer(token),
            )
            assert r.status_code == 403, r.text
            r = await http.post(
                f"/api/stores/{other_id}/live/sessions/{session_id}/commands",
                json={"type": "navigate", "id": cid(), "url": f"{SHOP}/"},
                headers=bearer(token),
            )
            assert r.status_code == 404, r.text
    # A session started on the hub's live page has no page to send anywhere.
    r = await http.post(f"/api/live/stores/{store_id}/sessions", json={"label": "Ann"})
    hosted = r.json()["session"]["session_id"]
    r = await http.post(
        f"/api/stores/{store_id}/live/sessions/{hosted}/commands",
        json={"type": "navigate", "id": cid(), "url": f"{SHOP}/"},
        headers=bearer(key),
    )
    assert r.status_code == 403 and "did not start the conversation on your site" in r.text
