"""Who may do what: stores only see their own, link tokens only add, dead tokens are refused."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from websockets.exceptions import ConnectionClosedError

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import link_token, peer, sign_up


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_store_never_reaches_another_stores_data(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a_id, a_key = await seed_store(server.hub, "A", {"a-mug": 3})
    b_id, _ = await seed_store(server.hub, "B", {"b-lamp": 3})
    alice = await sign_up(http, "alice@example.org")
    await http.post(
        "/api/cart/commands",
        json={"type": "reserve", "id": "auth-0001", "store_id": b_id, "product_id": "b-lamp"},
        headers=alice.auth,
    )
    a = bearer(a_key)
    product = {"id": "b-lamp", "name": "hijacked", "price": {"amount": 1, "currency": "EUR"}}
    for method, path, body in [
        ("GET", f"/api/stores/{b_id}", None),
        ("GET", f"/api/stores/{b_id}/products", None),
        ("GET", f"/api/stores/{b_id}/products/b-lamp", None),
        ("PUT", f"/api/stores/{b_id}/products/b-lamp", product),
        ("PUT", f"/api/stores/{b_id}/products/b-lamp/stock", {"on_hand": 0}),
        ("GET", f"/api/stores/{b_id}/tickets", None),
        ("GET", f"/api/stores/{b_id}/events", None),
        ("PATCH", f"/api/stores/{b_id}/settings", {"renewal_limit": 0}),
        (
            "POST",
            f"/api/stores/{b_id}/commands",
            {"type": "set_stock", "id": "auth-0002", "product_id": "b-lamp", "on_hand": 0},
        ),
    ]:
        r = await http.request(method, path, json=body, headers=a)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["error"]["code"] == "forbidden"
    # Addressing B's product through A's own store finds nothing: product ids are per store.
    r = await http.put(f"/api/stores/{a_id}/products/b-lamp/stock", json={"on_hand": 0}, headers=a)
    assert r.status_code == 404
    async with peer(server, "store") as store_a:
        welcome = await store_a.hello(a_key)
        assert welcome["store_id"] == a_id
        snap = await store_a.expect("snapshot")
        assert snap["tickets"] == []  # B's ticket is not visible to A
        reply = await store_a.command(
            {"type": "set_stock", "id": "auth-0003", "product_id": "b-lamp", "on_hand": 0}
        )
        assert reply["code"] == "not_found"
    (b_level,) = await server.hub.carts.availability([(b_id, "b-lamp")])
    assert b_level.available == 2  # untouched
    b_snapshot = await server.hub.stores.snapshot(b_id)
    assert len(b_snapshot.tickets) == 1


async def test_a_store_key_tells_only_which_store_it_belongs_to(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a_id, a_key = await seed_store(server.hub, "A", {"mug": 1})
    r = await http.get("/api/store", headers=bearer(a_key))
    assert r.status_code == 200
    assert (r.json()["id"], r.json()["name"]) == (a_id, "A")
    alice = await sign_up(http, "alice@example.org")
    for headers in ({}, alice.auth, bearer(a_key + "x")):
        r = await http.get("/api/store", headers=headers)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "unauthorized"


async def test_a_store_key_is_not_a_shopper_token(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    _, key = await seed_store(server.hub, "A", {"mug": 1})
    assert (await http.get("/api/cart", headers=bearer(key))).status_code == 401
    async with peer(server, "cart") as cart:
        await cart.send({"type": "hello", "versions": [1], "token": key})
        assert (await cart.expect("error"))["code"] == "unauthorized"
        with pytest.raises(ConnectionClosedError) as closed:
            await cart.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_a_link_token_adds_to_its_cart_and_does_nothing_else(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    alice = await sign_up(http, "alice@example.org")
    link = await link_token(http, alice)
    async with peer(server, "page") as page:
        assert (await page.hello(link))["linked"] is True
        result = await page.command(
            {
                "type": "add_to_cart",
                "id": "link-0001",
                "store_id": store,
                "product_id": "mug",
                "page_url": "https://shop.example/mug",
            }
        )
        assert result["type"] == "result" and result["qty"] == 1
    cart = (await http.get("/api/cart", headers=alice.auth)).json()
    (ticket,) = cart["tickets"]
    assert ticket["source_url"] == "https://shop.example/mug"
    # It cannot read the cart, change or release tickets, or mint more tokens.
    for method, path, body in [
        ("GET", "/api/cart", None),
        ("GET", "/api/cart/events", None),
        (
            "POST",
            "/api/cart/commands",
            {"type": "release", "id": "link-0002", "ticket_id": ticket["ticket_id"]},
        ),
        ("POST", "/api/cart/link-tokens", {}),
        ("DELETE", "/api/sessions/current", None),
    ]:
        r = await http.request(method, path, json=body, headers=bearer(link))
        assert r.status_code == 401, (method, path, r.text)
    async with peer(server, "cart") as cart_ws:
        await cart_ws.send({"type": "hello", "versions": [1], "token": link})
        assert (await cart_ws.expect("error"))["code"] == "unauthorized"
    # Over HTTP a link token adds, too; a session token is not a link token.
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "link-0003", "store_id": store, "product_id": "mug"},
        headers=bearer(link),
    )
    assert r.status_code == 200 and r.json()["qty"] == 2
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "link-0004", "store_id": store, "product_id": "mug"},
        headers=alice.auth,
    )
    assert r.status_code == 401


async def test_a_store_scoped_link_token_only_adds_that_stores_products(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a, _ = await seed_store(server.hub, "A", {"mug": 3})
    b, _ = await seed_store(server.hub, "B", {"lamp": 3})
    alice = await sign_up(http, "alice@example.org")
    link = await link_token(http, alice, store_id=a)
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "scope-0001", "store_id": b, "product_id": "lamp"},
        headers=bearer(link),
    )
    assert r.status_code == 403


async def test_a_page_without_a_link_cannot_add(server: HubServer) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    async with peer(server, "page") as page:
        assert (await page.hello())["linked"] is False
        reply = await page.command(
            {"type": "add_to_cart", "id": "anon-0001", "store_id": store, "product_id": "mug"}
        )
        assert reply["code"] == "unauthorized" and "connect" in reply["message"]
    (level,) = await server.hub.carts.availability([(store, "mug")])
    assert level.available == 3


async def test_revoked_and_expired_tokens_are_refused(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    alice = await sign_up(http, "alice@example.org")
    link = await link_token(http, alice, ttl_seconds=60)
    # A revoked link token: the page keeps live stock but is no longer linked.
    tokens = (await http.get("/api/cart/link-tokens", headers=alice.auth)).json()
    assert len(tokens) == 1
    r = await http.delete(f"/api/cart/link-tokens/{tokens[0]['token_id']}", headers=alice.auth)
    assert r.status_code == 204
    async with peer(server, "page") as page:
        await page.send({"type": "hello", "versions": [1], "token": link})
        error = await page.expect("error")
        assert error["code"] == "unauthorized" and "revoked" in error["message"]
        assert (await page.expect("welcome"))["linked"] is False
    # An expired link token.
    link2 = await link_token(http, alice, ttl_seconds=60)
    clock.advance(61)
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "exp-0001", "store_id": store, "product_id": "mug"},
        headers=bearer(link2),
    )
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    # An expired session token (30 days by default), on HTTP and WebSocket.
    bob = await sign_up(http, "bob@example.org")
    assert (await http.get("/api/cart", headers=bob.auth)).status_code == 200
    clock.advance(server.config.session_ttl)
    r = await http.get("/api/cart", headers=bob.auth)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    async with peer(server, "cart") as cart:
        await cart.send({"type": "hello", "versions": [1], "token": bob.token})
        assert "expired" in (await cart.expect("error"))["message"]
    # A session ended by logging out.
    carol = await sign_up(http, "carol@example.org")
    assert (await http.delete("/api/sessions/current", headers=carol.auth)).status_code == 204
    r = await http.get("/api/cart", headers=carol.auth)
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]


async def test_accounts_need_the_right_password_and_a_fresh_email(http: httpx.AsyncClient) -> None:
    await sign_up(http, "alice@example.org")
    r = await http.post(
        "/api/sessions", json={"email": "alice@example.org", "password": "wrong password"}
    )
    assert r.status_code == 401
    r = await http.post(
        "/api/sessions", json={"email": "nobody@example.org", "password": "wrong password"}
    )
    assert r.status_code == 401 and r.json()["error"]["message"] == "wrong email or password"
    r = await http.post(
        "/api/accounts", json={"email": "ALICE@example.org", "password": "another one"}
    )
    assert r.status_code == 409
    r = await http.post("/api/accounts", json={"email": "not-an-email", "password": "long enough"})
    assert r.status_code == 422


async def test_passwords_and_keys_are_not_stored_in_clear(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    _, key = await seed_store(server.hub, "Shop", {"mug": 1})
    alice = await sign_up(http, "alice@example.org", password="a very particular secret")
    if server.config.database_url:  # PostgreSQL: every row of every table, as text
        conn = await asyncpg.connect(server.config.database_url)
        try:
            tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            raw = b""
            for t in tables:
                rows = await conn.fetch(f'SELECT t::text AS r FROM "{t["tablename"]}" t')
                raw += "".join(r["r"] for r in rows).encode()
        finally:
            await conn.close()
        assert b"alice@example.org" in raw  # the dump does see the data
    else:
        raw = server.config.database_path.read_bytes()
        for wal in server.config.data_dir.glob("*-wal"):
            raw += wal.read_bytes()
    for secret in ("a very particular secret", key.split(".")[2], alice.token.split(".")[2]):
        assert secret.encode() not in raw


async def test_pairing_a_browser_with_a_short_code(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store, _ = await seed_store(server.hub, "Shop", {"mug": 3})
    alice = await sign_up(http, "alice@example.org")
    r = await http.post("/api/cart/pairing-codes", json={}, headers=alice.auth)
    assert r.status_code == 201
    code = r.json()["code"]
    assert len(code) == 9 and code[4] == "-"
    # Typed sloppily on another screen, it still works, once.
    sloppy = code.lower().replace("-", " ")
    r = await http.post("/api/page/pair", json={"code": sloppy, "label": "Laptop Firefox"})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert r.json()["label"] == "Laptop Firefox"
    r = await http.post("/api/page/pair", json={"code": code})
    assert r.status_code == 404 and "Connect a browser" in r.json()["error"]["message"]
    # The paired browser adds to alice's cart, and alice can revoke it.
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "pair-00001", "store_id": store, "product_id": "mug"},
        headers=bearer(token),
    )
    assert r.status_code == 200
    paired = (await http.get("/api/cart/link-tokens", headers=alice.auth)).json()
    assert [p["label"] for p in paired] == ["Laptop Firefox"]
    await http.delete(f"/api/cart/link-tokens/{paired[0]['token_id']}", headers=alice.auth)
    r = await http.post(
        "/api/page/commands",
        json={"type": "add_to_cart", "id": "pair-00002", "store_id": store, "product_id": "mug"},
        headers=bearer(token),
    )
    assert r.status_code == 401
    # Codes expire after ten minutes.
    code = (await http.post("/api/cart/pairing-codes", json={}, headers=alice.auth)).json()["code"]
    clock.advance(601)
    assert (await http.post("/api/page/pair", json={"code": code})).status_code == 404
    # Another cart's session cannot see or revoke alice's paired browsers.
    bob = await sign_up(http, "bob@example.org")
    assert (await http.get("/api/cart/link-tokens", headers=bob.auth)).json() == []
    r = await http.delete(f"/api/cart/link-tokens/{paired[0]['token_id']}", headers=bob.auth)
    assert r.status_code == 404


async def test_orders_carts_discounts_and_customers_stay_with_their_store(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a_id, a_key = await seed_store(server.hub, "A", {"a-mug": 3})
    b_id, b_key = await seed_store(server.hub, "B", {"b-lamp": 3})
    alice = await sign_up(http, "alice@example.org")
    r = await http.post(
        "/api/cart/commands",
        json={"type": "reserve", "id": "authz-0001", "store_id": b_id, "product_id": "b-lamp"},
        headers=alice.auth,
    )
    b = bearer(b_key)
    # Before any order, B knows Alice's cart only by its pseudonym: no email anywhere.
    (cart,) = (await http.get(f"/api/stores/{b_id}/carts", headers=b)).json()
    assert set(cart) == {"cart_ref", "items", "units", "since", "next_expiry"}
    assert (await http.get(f"/api/stores/{b_id}/customers", headers=b)).json() == []
    r = await http.post(
        "/api/cart/commands", json={"type": "checkout", "id": "authz-0002"}, headers=alice.auth
    )
    (order,) = r.json()["orders"]
    (customer,) = (await http.get(f"/api/stores/{b_id}/customers", headers=b)).json()
    assert customer["email"] == "alice@example.org"  # after an order with B, B may know it

    a = bearer(a_key)
    ob = order["order_id"]
    for method, path, body in [
        ("GET", f"/api/stores/{b_id}/orders", None),
        ("GET", f"/api/stores/{b_id}/orders/{ob}", None),
        ("POST", f"/api/stores/{b_id}/orders/{ob}/status", {"status": "confirmed"}),
        ("GET", f"/api/stores/{b_id}/carts", None),
        (
            "POST",
            f"/api/stores/{b_id}/discounts",
            {"cart_ref": cart["cart_ref"], "percent_off": 50},
        ),
        ("GET", f"/api/stores/{b_id}/customers", None),
        ("GET", f"/api/stores/{b_id}/customers.csv", None),
        ("POST", f"/api/stores/{b_id}/customers/email", {"subject": "hi", "body": "spam"}),
    ]:
        r = await http.request(method, path, json=body, headers=a)
        assert r.status_code == 403, (method, path, r.text)
    # Through its own paths, A finds nothing of B's: not the order, not the cart, not Alice.
    for method, path, body in [
        ("GET", f"/api/stores/{a_id}/orders/{ob}", None),
        ("POST", f"/api/stores/{a_id}/orders/{ob}/status", {"status": "confirmed"}),
        (
            "POST",
            f"/api/stores/{a_id}/discounts",
            {"cart_ref": cart["cart_ref"], "percent_off": 50},
        ),
    ]:
        r = await http.request(method, path, json=body, headers=a)
        assert r.status_code == 404, (method, path, r.text)
    assert (await http.get(f"/api/stores/{a_id}/orders", headers=a)).json() == []
    assert (await http.get(f"/api/stores/{a_id}/customers", headers=a)).json() == []
    csv_text = (await http.get(f"/api/stores/{a_id}/customers.csv", headers=a)).text
    assert "alice" not in csv_text
    async with peer(server, "store") as store_a:
        await store_a.hello(a_key)
        snapshot = await store_a.expect("snapshot")
        assert snapshot["orders"] == []
        reply = await store_a.command(
            {"type": "update_order", "id": "authz-0003", "order_id": ob, "status": "confirmed"}
        )
        assert reply["code"] == "not_found"
    assert (await http.get(f"/api/stores/{b_id}/orders/{ob}", headers=b)).json()[
        "status"
    ] == "placed"
    # And a shopper cannot move an order along: that is the store's.
    r = await http.post(
        f"/api/stores/{b_id}/orders/{ob}/status", json={"status": "confirmed"}, headers=alice.auth
    )
    assert r.status_code == 401
