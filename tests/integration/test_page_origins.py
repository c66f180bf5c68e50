"""Pages act only from origins their store registered; linked pages hear "in your cart"."""

from __future__ import annotations

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import link_token, peer, sign_up

SHOP = "http://shop.example:8750"
OTHER_SHOP = "https://other.example"
EVIL = "https://evil.example"


def add(command_id: str, store_id: str, product_id: str = "mug") -> dict[str, object]:
    return {"type": "add_to_cart", "id": command_id, "store_id": store_id, "product_id": product_id}


async def test_a_page_from_an_unregistered_origin_cannot_connect(server: HubServer) -> None:
    await seed_store(server.hub, "Shop", {"mug": 1}, origins=[SHOP])
    with pytest.raises(InvalidStatus) as refused:
        async with peer(server, "page", origin=EVIL):
            pass
    assert refused.value.response.status_code == 403
    assert b"no store on this hub registered" in refused.value.response.body
    # The registered origin (any case, default port spelled or not) connects.
    async with peer(server, "page", origin="HTTP://SHOP.example:8750") as page:
        assert (await page.hello())["linked"] is False


async def test_a_page_adds_only_products_of_a_store_that_registered_its_origin(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop, _ = await seed_store(server.hub, "Shop", {"mug": 3}, origins=[SHOP])
    other, _ = await seed_store(server.hub, "Other", {"mug": 3}, origins=[OTHER_SHOP])
    alice = await sign_up(http, "alice@example.org")
    link = await link_token(http, alice)
    async with peer(server, "page", origin=SHOP) as page:
        await page.hello(link)
        assert (await page.command(add("orig-0001", shop)))["type"] == "result"
        refused = await page.command(add("orig-0002", other))
        assert refused["code"] == "forbidden"
        assert "not on a site the store registered" in refused["message"]
    # Over HTTP: same rule, and CORS tells the browser who may read the answer.
    r = await http.post(
        "/api/page/commands",
        json=add("orig-0003", other),
        headers={"Authorization": f"Bearer {link}", "Origin": SHOP},
    )
    assert r.status_code == 403 and "not on a site the store registered" in r.text
    assert r.headers["access-control-allow-origin"] == SHOP
    r = await http.post(
        "/api/page/commands",
        json=add("orig-0004", shop),
        headers={"Authorization": f"Bearer {link}", "Origin": EVIL},
    )
    assert r.status_code == 403 and "no store on this hub registered" in r.text
    (level,) = await server.hub.carts.availability([(other, "mug")])
    assert level.available == 3  # nothing reserved by the refused commands


async def test_cors_preflight_and_public_files(server: HubServer, http: httpx.AsyncClient) -> None:
    await seed_store(server.hub, "Shop", {"mug": 1}, origins=[SHOP])
    preflight = {
        "Origin": SHOP,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    r = await http.options("/api/page/commands", headers=preflight)
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == SHOP
    assert "Authorization" in r.headers["access-control-allow-headers"]
    # Another site's preflight is answered (it grants nothing), so that the refusal of the
    # request itself can be read by the page.
    r = await http.options("/api/page/commands", headers={**preflight, "Origin": EVIL})
    assert r.status_code == 204
    r = await http.post("/api/page/poll", json={"products": []}, headers={"Origin": EVIL})
    assert r.status_code == 403 and r.headers["access-control-allow-origin"] == EVIL
    assert "no store on this hub registered" in r.json()["error"]["message"]
    # The widget and discovery are readable from any page; the cart API is not for pages.
    r = await http.get("/.well-known/cartstart.json", headers={"Origin": EVIL})
    assert r.headers["access-control-allow-origin"] == "*"
    r = await http.get("/api/cart", headers={"Origin": SHOP})
    assert "access-control-allow-origin" not in r.headers


async def test_a_linked_page_hears_what_its_cart_holds(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop, _ = await seed_store(server.hub, "Shop", {"mug": 3, "vase": 1}, origins=[SHOP])
    other, _ = await seed_store(server.hub, "Other", {"lamp": 2}, origins=[SHOP])
    alice = await sign_up(http, "alice@example.org")
    await http.post(
        "/api/cart/commands",
        json={"type": "reserve", "id": "hold-0001", "store_id": other, "product_id": "lamp"},
        headers=alice.auth,
    )
    products = [
        {"store_id": shop, "product_id": "mug"},
        {"store_id": shop, "product_id": "vase"},
        {"store_id": other, "product_id": "lamp"},
    ]
    scoped = await link_token(http, alice, store_id=shop)
    async with peer(server, "page", origin=SHOP, ignore=("availability",)) as page:
        await page.hello(scoped)
        await page.send({"type": "subscribe", "products": products})
        await page.expect("availability_snapshot")
        # The lamp is held, but this token is for the shop only: nothing is said about it.
        assert (await page.command(add("hold-0002", shop)))["qty"] == 1
        held = await page.expect("in_cart")
        assert [(h["product_id"], h["qty"]) for h in held["items"]] == [("mug", 1)]
        # The desktop cart releases it: the page hears qty 0.
        tickets = (await http.get("/api/cart", headers=alice.auth)).json()["tickets"]
        mug = next(t["ticket_id"] for t in tickets if t["product_id"] == "mug")
        r = await http.post(
            "/api/cart/commands",
            json={"type": "release", "id": "hold-0003", "ticket_id": mug},
            headers=alice.auth,
        )
        assert r.status_code == 200
        released = await page.expect("in_cart")
        assert released["items"][0]["product_id"] == "mug" and released["items"][0]["qty"] == 0
    # A page that comes later is told at once what the cart holds among its products.
    unscoped = await link_token(http, alice)
    async with peer(server, "page", origin=SHOP, ignore=("availability",)) as page:
        await page.hello(unscoped)
        await page.send({"type": "subscribe", "products": products})
        await page.expect("availability_snapshot")
        held = await page.expect("in_cart")
        assert [(h["product_id"], h["qty"]) for h in held["items"]] == [("lamp", 1)]
    # Polling says the same, with the token.
    r = await http.post(
        "/api/page/poll",
        json={"products": products},
        headers={"Authorization": f"Bearer {unscoped}", "Origin": SHOP},
    )
    assert [(h["product_id"], h["qty"]) for h in r.json()["in_cart"]] == [("lamp", 1)]
    r = await http.post("/api/page/poll", json={"products": products})
    assert r.json()["in_cart"] is None


async def test_a_revoked_link_stops_adding_on_an_open_connection(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    shop, _ = await seed_store(server.hub, "Shop", {"mug": 3}, origins=[SHOP])
    alice = await sign_up(http, "alice@example.org")
    r = await http.post("/api/cart/link-tokens", json={}, headers=alice.auth)
    link, token_id = r.json()["token"], r.json()["token_id"]
    async with peer(server, "page", origin=SHOP) as page:
        await page.hello(link)
        assert (await page.command(add("rev-00001", shop)))["type"] == "result"
        r = await http.delete(f"/api/cart/link-tokens/{token_id}", headers=alice.auth)
        assert r.status_code == 204
        refused = await page.command(add("rev-00002", shop))
        assert refused["code"] == "unauthorized" and "revoked" in refused["message"]
    (level,) = await server.hub.carts.availability([(shop, "mug")])
    assert level.available == 2
