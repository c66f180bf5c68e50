"""A store on /ws/store and the REST store API: catalogue, stock, settings, its ticket events."""

from __future__ import annotations

import httpx

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import link_token, peer, sign_up


async def test_a_store_hears_tickets_on_its_products_and_resumes(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 5})
    alice = await sign_up(http, "alice@example.org")
    async with peer(server, "store") as store:
        welcome = await store.hello(key)
        assert welcome["store_id"] == store_id and welcome["resumed"] is False
        await store.expect("snapshot")
        r = await http.post(
            "/api/cart/commands",
            json={
                "type": "reserve",
                "id": "st-00001",
                "store_id": store_id,
                "product_id": "mug",
                "qty": 2,
            },
            headers=alice.auth,
        )
        ticket_id = r.json()["ticket"]["ticket_id"]
        event = await store.expect("ticket")
        assert event["change"] == "created" and event["seq"] == 1
        assert event["ticket"]["ticket_id"] == ticket_id and event["ticket"]["qty"] == 2
        # The store learns a pseudonym, never who the shopper is.
        assert alice.cart_id not in str(event) and alice.email not in str(event)
        await store.send({"type": "ack", "seq": 1})
    # While the store is away, the cart releases; the store hears it on its return.
    await http.post(
        "/api/cart/commands",
        json={"type": "release", "id": "st-00002", "ticket_id": ticket_id},
        headers=alice.auth,
    )
    async with peer(server, "store") as store:
        welcome = await store.hello(key, resume_from=1)
        assert welcome["resumed"] is True
        event = await store.expect("ticket")
        assert (event["seq"], event["change"]) == (2, "released")


async def test_an_over_the_counter_sale_revokes_the_newest_hold_and_tells_the_cart(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"vase": 1})
    alice = await sign_up(http, "alice@example.org")
    link = await link_token(http, alice)
    async with (
        peer(server, "cart", ignore=("availability",)) as cart,
        peer(server, "page", ignore=("in_cart",)) as page,
    ):
        await cart.hello(alice.token)
        await cart.expect("snapshot")
        await page.hello(link)
        await page.send(
            {"type": "subscribe", "products": [{"store_id": store_id, "product_id": "vase"}]}
        )
        await page.expect("availability_snapshot")
        reply = await page.command(
            {"type": "add_to_cart", "id": "otc-00001", "store_id": store_id, "product_id": "vase"}
        )
        assert reply["qty"] == 1
        assert (await cart.expect("item_added"))["ticket"]["qty"] == 1
        assert (await page.expect("availability"))["available"] == 0
        # The shop sells the vase over the counter (REST, with an idempotency key).
        auth = {"Authorization": f"Bearer {key}", "Idempotency-Key": "counter-sale-1"}
        r = await http.post(
            f"/api/stores/{store_id}/products/vase/stock-adjustments",
            json={"delta": -1},
            headers=auth,
        )
        assert r.status_code == 200, r.text
        assert r.json()["stock"]["on_hand"] == 0 and r.json()["revoked"][0]["state"] == "revoked"
        revoked = await cart.expect("ticket_revoked")
        assert revoked["reason"] == "sold_in_shop" and "over the counter" in revoked["message"]
        assert revoked["ticket"]["state"] == "revoked"
        # A retried adjustment is not applied twice.
        r = await http.post(
            f"/api/stores/{store_id}/products/vase/stock-adjustments",
            json={"delta": -1},
            headers=auth,
        )
        assert r.status_code == 200 and r.json()["stock"]["on_hand"] == 0


async def test_store_rest_api_round_trip(server: HubServer, http: httpx.AsyncClient) -> None:
    store_id, key = await server.hub.stores.create("Shop")
    auth = {"Authorization": f"Bearer {key}"}
    product = {
        "id": "mug",
        "name": "Mug <b>bold</b>",
        "code": "M-1",
        "price": {"amount": 1250, "currency": "EUR"},
        "image_url": "https://shop.example/mug.jpg",
        "page_url": "https://shop.example/mug",
        "tags": ["kitchen"],
        "ttl_seconds": 120,
    }
    r = await http.put(f"/api/stores/{store_id}/products/mug", json=product, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Mug <b>bold</b>" and r.json()["stock"]["on_hand"] == 0
    r = await http.put(
        f"/api/stores/{store_id}/products/mug/stock", json={"on_hand": 4}, headers=auth
    )
    assert r.json()["stock"]["available"] == 4
    r = await http.patch(
        f"/api/stores/{store_id}/settings",
        json={"default_ttl_seconds": 60, "renewal_limit": 1, "origins": ["https://Shop.Example"]},
        headers=auth,
    )
    assert r.json() == {
        "default_ttl_seconds": 60.0,
        "renewal_limit": 1,
        "origins": ["https://shop.example"],
        "payment_url_template": None,
        "webhook_url": None,
        "webhook_secret": None,
        "contact_email": None,
    }
    info = (await http.get(f"/api/stores/{store_id}", headers=auth)).json()
    assert info["name"] == "Shop" and info["settings"]["renewal_limit"] == 1
    assert info["settings"]["origins"] == ["https://shop.example"]
    # An origin is scheme://host[:port]: a page URL is refused with the reason.
    r = await http.patch(
        f"/api/stores/{store_id}/settings",
        json={"origins": ["https://shop.example/products"]},
        headers=auth,
    )
    assert r.status_code == 422 and "origins.0" in r.json()["error"]["message"]
    listed = (await http.get(f"/api/stores/{store_id}/products", headers=auth)).json()
    assert [p["id"] for p in listed] == ["mug"] and listed[0]["ttl_seconds"] == 120
    # A mismatched id in the body is refused.
    r = await http.put(f"/api/stores/{store_id}/products/other", json=product, headers=auth)
    assert r.status_code == 422
    # The product TTL wins over the store default for new tickets.
    alice = await sign_up(http, "alice@example.org")
    r = await http.post(
        "/api/cart/commands",
        json={"type": "reserve", "id": "ttl-00001", "store_id": store_id, "product_id": "mug"},
        headers=alice.auth,
    )
    ticket = r.json()["ticket"]
    assert ticket["expires_at"] - ticket["created_at"] == 120
    assert ticket["renewals_left"] == 1 and ticket["price"] == {"amount": 1250, "currency": "EUR"}
    tickets = (await http.get(f"/api/stores/{store_id}/tickets", headers=auth)).json()
    assert [t["ticket_id"] for t in tickets["tickets"]] == [ticket["ticket_id"]]
    events = (
        await http.get(f"/api/stores/{store_id}/events", params={"after": 0}, headers=auth)
    ).json()
    assert [m["change"] for m in events["messages"]] == ["created"]


async def test_a_store_reads_back_its_payment_link_and_webhook(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})
    auth = {"Authorization": f"Bearer {key}"}
    settings = {
        "payment_url_template": "https://shop.example/pay/{order_id}",
        "webhook_url": "https://shop.example/hooks/cartstart",
    }
    r = await http.patch(f"/api/stores/{store_id}/settings", json=settings, headers=auth)
    assert r.status_code == 200 and r.json()["webhook_secret"]
    for answer in (
        r.json(),
        (await http.get(f"/api/stores/{store_id}", headers=auth)).json()["settings"],
    ):
        assert {k: answer[k] for k in settings} == settings
    assert "webhook_secret" not in (await http.get("/api/store", headers=auth)).json()["settings"]
