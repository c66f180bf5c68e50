"""Connecting a browser once (on the hub's own page) and then shops with one click: the hub side.
The browser side is tests/storefront/test_connect.py."""

from __future__ import annotations

import httpx

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import peer, sign_up

SHOP_A = "https://a.example"
SHOP_B = "https://b.example:8443"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def connect_browser(http: httpx.AsyncClient, session: dict[str, str], **extra: str) -> str:
    """A code from the cart, typed on the hub's connect page: the browser's credential."""
    code = (await http.post("/api/cart/pairing-codes", json={}, headers=session)).json()["code"]
    r = await http.post(
        "/api/page/connect/browser",
        json={"code": code, "label": "Chromium on Linux"},
        headers=extra,
    )
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "browser" and r.json()["token"].startswith("csb.")
    token: str = r.json()["token"]
    return token


async def test_a_browser_connected_once_connects_each_shop_with_its_own_scoped_link(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 3}, origins=[SHOP_A])
    b, _ = await seed_store(server.hub, "Corner Books", {"atlas": 2}, origins=[SHOP_B])
    alice = await sign_up(http, "alice@example.org")
    hub = server.http_url
    # The connect page sends its own origin (a browser always does on POST): accepted.
    browser = await connect_browser(http, alice.auth, Origin=hub)

    # Before asking, the page learns the store's name and whether this browser is connected.
    r = await http.get(
        "/api/page/connect",
        params={"store_id": a, "origin": "HTTPS://A.example:443"},
        headers=bearer(browser),
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "store_id": a,
        "store_name": "Harbour Ceramics",
        "origin": SHOP_A,  # normalized
        "connected": True,
    }
    r = await http.get("/api/page/connect", params={"store_id": a, "origin": SHOP_A})
    assert r.json()["connected"] is False  # no credential: the page asks for a code first

    links = {}
    for store, origin, product in [(a, SHOP_A, "mug"), (b, SHOP_B, "atlas")]:
        r = await http.post(
            "/api/page/connect",
            json={"store_id": store, "origin": origin},
            headers={**bearer(browser), "Origin": hub},
        )
        assert r.status_code == 201, r.text
        issued = r.json()
        assert issued["store_id"] == store and issued["token"].startswith("csl.")
        links[store] = issued["token"]
        # The link adds that store's products to alice's cart, from the store's own site.
        r = await http.post(
            "/api/page/commands",
            json={
                "type": "add_to_cart",
                "id": f"cn-{store}",
                "store_id": store,
                "product_id": product,
            },
            headers={**bearer(issued["token"]), "Origin": origin},
        )
        assert r.status_code == 200, r.text
    cart = (await http.get("/api/cart", headers=alice.auth)).json()
    assert sorted(t["store_id"] for t in cart["tickets"]) == sorted([a, b])
    # Each link is scoped to its store: A's link cannot add B's products.
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "cn-cross", "store_id": b, "product_id": "atlas"},
        headers={**bearer(links[a]), "Origin": SHOP_B},
    )
    assert r.status_code == 403

    # The cart lists the browser and the shops it connected, with clear labels.
    listed = (await http.get("/api/cart/link-tokens", headers=alice.auth)).json()
    (entry,) = [t for t in listed if t["kind"] == "browser"]
    assert entry["label"] == "Connected browser (Chromium on Linux)"
    assert entry["store_id"] is None
    shops = sorted((t["label"], t["browser_id"]) for t in listed if t["kind"] == "link")
    assert shops == [
        (f"Corner Books ({SHOP_B})", entry["token_id"]),
        (f"Harbour Ceramics ({SHOP_A})", entry["token_id"]),
    ]


async def test_the_browser_credential_works_only_on_the_hubs_own_pages(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 3}, origins=[SHOP_A])
    alice = await sign_up(http, "alice@example.org")
    # A shop's page cannot turn a code into a browser credential...
    code = (await http.post("/api/cart/pairing-codes", json={}, headers=alice.auth)).json()["code"]
    r = await http.post(
        "/api/page/connect/browser", json={"code": code}, headers={"Origin": SHOP_A}
    )
    assert r.status_code == 403
    assert "hub's own connect page" in r.json()["error"]["message"]
    # ...and the code is still good on the hub's page.
    r = await http.post(
        "/api/page/connect/browser", json={"code": code}, headers={"Origin": server.http_url}
    )
    assert r.status_code == 201
    browser = r.json()["token"]
    # Nor can a shop's page use a credential it got hold of.
    for method, path in [("POST", "/api/page/connect"), ("GET", "/api/page/connect")]:
        r = await http.request(
            method,
            path,
            params={"store_id": a, "origin": SHOP_A} if method == "GET" else None,
            json={"store_id": a, "origin": SHOP_A} if method == "POST" else None,
            headers={**bearer(browser), "Origin": SHOP_A},
        )
        assert r.status_code == 403, (method, r.text)
    # The credential is no link token: a page cannot add with it, nor link with it.
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "cn-direct", "store_id": a, "product_id": "mug"},
        headers=bearer(browser),
    )
    assert r.status_code == 401
    async with peer(server, "page") as page:
        await page.send({"type": "hello", "versions": [1], "token": browser})
        first = await page.recv()
        assert first["type"] == "error" and first["code"] == "unauthorized"


async def test_a_store_that_did_not_register_the_pages_origin_gets_no_token(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 3}, origins=[SHOP_A])
    alice = await sign_up(http, "alice@example.org")
    browser = await connect_browser(http, alice.auth)
    for origin in [SHOP_B, "https://a.example.evil.test", "null", "https://a.example/path"]:
        for method in ("GET", "POST"):
            r = await http.request(
                method,
                "/api/page/connect",
                params={"store_id": a, "origin": origin} if method == "GET" else None,
                json={"store_id": a, "origin": origin} if method == "POST" else None,
                headers=bearer(browser),
            )
            assert r.status_code == 403, (origin, method, r.text)
            assert r.json()["error"]["code"] == "forbidden"
    r = await http.post(
        "/api/page/connect", json={"store_id": a, "origin": SHOP_B}, headers=bearer(browser)
    )
    assert r.json()["error"]["message"] == (
        f"Harbour Ceramics did not register {SHOP_B} as one of its sites, so a page there "
        "cannot connect to your cart"
    )
    r = await http.post(
        "/api/page/connect", json={"store_id": "nope", "origin": SHOP_A}, headers=bearer(browser)
    )
    assert r.status_code == 404
    listed = (await http.get("/api/cart/link-tokens", headers=alice.auth)).json()
    assert [t["kind"] for t in listed] == ["browser"]  # nothing was minted


async def test_revoking_the_browser_ends_its_connects_and_the_links_it_made(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    a, _ = await seed_store(server.hub, "Harbour Ceramics", {"mug": 3}, origins=[SHOP_A])
    alice = await sign_up(http, "alice@example.org")
    browser = await connect_browser(http, alice.auth)
    connect = {"store_id": a, "origin": SHOP_A}
    link = (await http.post("/api/page/connect", json=connect, headers=bearer(browser))).json()
    # A link made by the browser can be revoked alone: the browser still connects.
    await http.delete(f"/api/cart/link-tokens/{link['token_id']}", headers=alice.auth)
    r = await http.post("/api/page/connect", json=connect, headers=bearer(browser))
    assert r.status_code == 201
    second = r.json()
    async with peer(server, "page") as page:
        assert (await page.hello(second["token"]))["linked"] is True
        listed = (await http.get("/api/cart/link-tokens", headers=alice.auth)).json()
        (entry,) = [t for t in listed if t["kind"] == "browser"]
        r = await http.delete(f"/api/cart/link-tokens/{entry['token_id']}", headers=alice.auth)
        assert r.status_code == 204
        # The open page hears its link is gone (it was made by that browser).
        lost = await page.expect("error")
        assert lost["code"] == "unauthorized"
    assert (await http.get("/api/cart/link-tokens", headers=alice.auth)).json() == []
    r = await http.post("/api/page/connect", json=connect, headers=bearer(browser))
    assert r.status_code == 401
    r = await http.get("/api/page/connect", params=connect, headers=bearer(browser))
    assert r.json()["connected"] is False

    # A browser's credential expires, and its links never outlive it.
    browser = await connect_browser(http, alice.auth)
    link = (await http.post("/api/page/connect", json=connect, headers=bearer(browser))).json()
    assert link["expires_at"] <= clock.now() + server.config.link_token_ttl
    clock.advance(server.config.browser_ttl + 1)
    r = await http.post("/api/page/connect", json=connect, headers=bearer(browser))
    assert r.status_code == 401
    # Another shopper cannot revoke alice's browser.
    bob = await sign_up(http, "bob@example.org")
    r = await http.delete(f"/api/cart/link-tokens/{entry['token_id']}", headers=bob.auth)
    assert r.status_code == 404


async def test_the_hubs_pages_are_never_framed_and_connect_opens_the_window(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    r = await http.get("/connect")
    assert r.status_code == 307 and r.headers["location"] == "/static/connect.html"
    for page in ("/static/connect.html", "/static/console.html"):
        r = await http.get(page)
        assert r.status_code == 200
        assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert r.headers["x-frame-options"] == "DENY"
    # The widget itself is embedded by every shop: no such headers there.
    r = await http.get("/static/cartstart.js")
    assert "content-security-policy" not in r.headers
