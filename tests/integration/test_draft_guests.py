"""Guest carts and personalised products (docs/personalise.md "How drafts work"), on SQLite and
on PostgreSQL + Redis. A guest's cart (a live session's guest, a marketplace solution) has no
way to fill in a form, so it is told at the first step in words it can act on: a live guest
cannot take a personalised product (a CartStart cart attached to the session can), a solution
cannot be sent as an order with one (as a request for a quote it can, and an accepted quote is
bought as quoted); and the store never lists a guest's hold as a draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store
from tests.helpers.peers import sign_up
from tests.integration.draft_helpers import bearer, give_form
from tests.integration.solution_helpers import count_rows, line, market, secret_header
from tests.integration.test_live import cid, start_over_http
from tests.integration.test_solutions import send


async def take(http: httpx.AsyncClient, auth: dict[str, str], product_id: str) -> httpx.Response:
    body = {"type": "take", "id": cid(), "product_id": product_id}
    return await http.post("/api/live/session/commands", json=body, headers=auth)


async def test_a_live_guest_cannot_take_a_personalised_product_but_an_attached_cart_can(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Paper Moon", {"invites": 5, "mug": 5})
    await give_form(server.hub, store_id, "invites")
    link, auth = await start_over_http(http, store_id)
    r = await take(http, auth, "invites")
    assert r.status_code == 409, r.text
    assert r.json()["error"]["message"].startswith(
        "Product invites is made to order: personalise it from a CartStart cart"
    )
    assert (await take(http, auth, "mug")).status_code == 200  # the rest as before
    ana = await sign_up(http, "ana@example.org")
    r = await http.post("/api/cart/live-sessions", json={"link": link}, headers=ana.auth)
    assert r.status_code == 201, r.text
    r = await take(http, auth, "invites")
    assert r.status_code == 200, r.text
    (listed,) = (await http.get(f"/api/stores/{store_id}/drafts", headers=bearer(key))).json()
    assert listed["product_id"] == "invites"


async def test_a_form_added_after_a_guest_took_the_product_is_never_listed_and_ordering_says_why(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Paper Moon", {"invites": 5})
    _, auth = await start_over_http(http, store_id)
    assert (await take(http, auth, "invites")).status_code == 200
    await give_form(server.hub, store_id, "invites")
    assert (await http.get(f"/api/stores/{store_id}/drafts", headers=bearer(key))).json() == []
    order = {"type": "order_now", "id": cid(), "email": "cy@example.org", "name": "Cy"}
    r = await http.post("/api/live/session/commands", json=order, headers=auth)
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "customisation_incomplete"
    assert error["message"].startswith(
        "Product invites is made to order: personalise it from a CartStart cart"
    )


async def test_a_solution_with_a_personalised_product_is_a_quote_not_an_order(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe = m.firms[:2]
        await give_form(m.server.hub, volt.store_id, "socket")
        body = {
            "name": "Refit",
            "lines": [line(pipe, "valve", 1), line(volt, "socket", 2, note="engrave: Mira")],
        }
        created = (await m.http.post("/api/market/solutions", json=body)).json()
        r = await send(m, created, "order", "send-made-to-order-1")
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["message"] == (
            "line 2 (Product socket) is made to order: send it as a request for a quote, or "
            "put it in your cart to personalise it"
        )
        assert error["details"]["line"] == 2 and error["details"]["product_id"] == "socket"
        for table in ("solution_requests", "orders", "tickets"):
            assert await count_rows(m.server, table) == 0
        # As a request for a quote it goes, and the quote accepted is bought as quoted.
        r = await send(m, created, "quote", "send-made-to-order-2")
        assert r.status_code == 201, r.text
        asked = next(q for q in r.json()["requests"] if q["store_id"] == volt.store_id)
        r = await m.http.post(
            f"/api/stores/{volt.store_id}/requests/{asked['id']}/answer",
            json={"price": {"amount": 9900, "currency": "EUR"}, "valid_until": "2027-02-01"},
            headers=bearer(volt.key),
        )
        assert r.status_code == 200, r.text
        accept = f"/api/market/solutions/{created['id']}/requests/{asked['id']}/accept"
        r = await m.http.post(accept, headers=secret_header(created))
        assert r.status_code == 200, r.text
        assert r.json()["order"]["total"]["amount"] == 9900
        assert [li["product_id"] for li in r.json()["order"]["lines"]] == ["socket"]
