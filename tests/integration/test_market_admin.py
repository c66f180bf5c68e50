"""The marketplace's admin side and money, on both backends: hub admin tokens (scope, expiry,
revocation at once), the tree's import/export and the in-use refusal, exchange rates and
converted prices with the approximate marker, and stores mapping their products into the tree
through the store API (never another store's)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.integration.market_helpers import (
    TREE,
    found_within,
    new_store,
    product,
    put_products,
    search,
)

pytestmark = pytest.mark.asyncio
RATES = {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17", "USD": "1.05"}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def admin(server: HubServer) -> dict[str, str]:
    _, token = await server.hub.hub_admin.create(days=30, label="tests")
    return bearer(token)


async def test_admin_routes_need_a_hub_admin_token(
    server: HubServer, http: httpx.AsyncClient, admin: dict[str, str], clock: FakeClock
) -> None:
    store_id, store_key = await new_store(server.hub, "Valvia")
    for headers in ({}, bearer(store_key), bearer("csh.nope.nope"), bearer("garbage")):
        r = await http.get("/api/admin/market/tree", headers=headers)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "unauthorized"
        r = await http.put("/api/admin/market/rates", json=RATES, headers=headers)
        assert r.status_code == 401
    # the admin's token is not a store's key either
    r = await http.get(f"/api/stores/{store_id}/products", headers=admin)
    assert r.status_code in (401, 403)
    assert (await http.get("/api/admin/market/tree", headers=admin)).status_code == 200
    clock.advance(31 * 86_400)  # past its 30 days
    assert (await http.get("/api/admin/market/tree", headers=admin)).status_code == 401


async def test_a_revoked_token_is_refused_at_once(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    token_id, token = await server.hub.hub_admin.create(days=1)
    assert (await http.get("/api/admin/market/rates", headers=bearer(token))).status_code == 200
    await server.hub.hub_admin.revoke(token_id)
    r = await http.get("/api/admin/market/rates", headers=bearer(token))
    assert r.status_code == 401
    listed = {t.id: t for t in await server.hub.hub_admin.listed()}
    assert listed[token_id].revoked_at is not None


async def test_tree_round_trip_and_refusals(
    server: HubServer, http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    r = await http.put("/api/admin/market/tree", json=TREE, headers=admin)
    assert r.status_code == 200, r.text
    exported = (await http.get("/api/admin/market/tree", headers=admin)).json()
    assert exported == TREE
    # three levels only: refused in words, nothing changed
    shallow = copy.deepcopy(TREE)
    shallow["nodes"][0]["children"][0]["children"][0]["children"] = []
    r = await http.put("/api/admin/market/tree", json=shallow, headers=admin)
    assert r.status_code == 422
    assert "tree not imported" in r.json()["error"]["message"]
    twice = copy.deepcopy(TREE)
    twice["nodes"][0]["children"][0]["children"][1]["children"][0]["id"] = "ball-valves"
    r = await http.put("/api/admin/market/tree", json=twice, headers=admin)
    assert r.status_code == 422 and "twice" in r.json()["error"]["message"]
    no_serbian = copy.deepcopy(TREE)
    del no_serbian["nodes"][0]["names"]["sr"]
    assert (
        await http.put("/api/admin/market/tree", json=no_serbian, headers=admin)
    ).status_code == 422
    assert (await http.get("/api/admin/market/tree", headers=admin)).json() == TREE


async def test_a_mapped_subcategory_cannot_disappear(
    server: HubServer, http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await http.put("/api/admin/market/tree", json=TREE, headers=admin)
    store_id, key = await new_store(server.hub, "Valvia")
    r = await put_products(http, store_id, key, [product("c1", "Contactor", "HC-M10",
                                                         category="contactors")])  # fmt: skip
    assert r.status_code == 200, r.text
    without = copy.deepcopy(TREE)
    switchgear = without["nodes"][0]["children"][0]["children"][1]
    switchgear["children"][0]["id"] = "relays"
    r = await http.put("/api/admin/market/tree", json=without, headers=admin)
    assert r.status_code == 409
    error = r.json()["error"]
    assert (error["code"], error["details"]["category"]) == ("category_in_use", "contactors")
    assert (await http.get("/api/admin/market/tree", headers=admin)).json() == TREE
    # once the product moves elsewhere, the import goes through
    r = await put_products(http, store_id, key, [product("c1", "Contactor", "HC-M10")])
    assert (
        await http.put("/api/admin/market/tree", json=without, headers=admin)
    ).status_code == 200


async def test_rates_conversion_and_the_approximate_marker(
    server: HubServer, http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    before = (await http.get("/api/market/currencies")).json()
    assert before == {"base": "EUR", "date": None, "currencies": ["EUR"]}
    store_id, key = await new_store(server.hub, "Valvia")
    await put_products(http, store_id, key, [
        product("e1", "Brass valve", "BV-1", amount=1000),
        product("r1", "Steel valve", "SV-1", amount=117170, currency="RSD"),
    ])  # fmt: skip
    r = await http.put("/api/admin/market/rates", json=RATES, headers=admin)
    assert r.status_code == 200, r.text
    assert (await http.get("/api/market/currencies")).json() == {
        "base": "EUR", "date": "2026-11-30", "currencies": ["EUR", "RSD", "USD"],
    }  # fmt: skip
    await found_within(http, "valve", {"e1", "r1"})

    async def shown(currency: str, lang: str = "en") -> dict[str, Any]:
        page = await search(http, "valve", currency=currency, lang=lang)
        assert page["currency"] == {"code": currency, "base": "EUR", "rates_date": "2026-11-30"}
        return {r["product_id"]: r for r in page["results"]}

    in_rsd = await shown("RSD", "sr")
    assert in_rsd["e1"]["shown"]["amount"] == 117170  # 10.00 EUR = 1,171.70 RSD
    assert in_rsd["e1"]["shown"]["approximate"] is True
    assert in_rsd["e1"]["price"] == {"amount": 1000, "currency": "EUR", "text": "10,00\xa0€"}
    assert in_rsd["r1"]["shown"] == {
        "amount": 117170, "currency": "RSD", "text": "1.171,70\xa0RSD", "approximate": False,
    }  # fmt: skip
    in_eur = await shown("EUR")
    assert in_eur["r1"]["shown"]["amount"] == 1000 and in_eur["r1"]["shown"]["approximate"]
    assert in_eur["e1"]["shown"]["approximate"] is False
    one = await http.get(f"/api/market/products/{store_id}/e1", params={"currency": "usd"})
    assert one.json()["shown"] == {
        "amount": 1050, "currency": "USD", "text": "$10.50", "approximate": True,
    }  # fmt: skip
    # price ranges follow the display currency's magnitude
    rsd_page = await search(http, "valve", currency="RSD")
    assert [f["id"] for f in rsd_page["facets"]["price"]] == ["100000-500000"]
    r = await http.get("/api/market/search", params={"q": "valve", "currency": "GBP"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "unknown_currency")
    bad = await http.put(
        "/api/admin/market/rates",
        json={"base": "EUR", "date": "2026-13-01", "rates": {"RSD": "1"}},
        headers=admin,
    )
    assert bad.status_code == 422
    bad = await http.put(
        "/api/admin/market/rates", json={**RATES, "rates": {"RSD": "-1"}}, headers=admin
    )
    assert bad.status_code == 422
    newer = {"base": "EUR", "date": "2026-12-01", "rates": {"RSD": "117.20"}}
    assert (await http.put("/api/admin/market/rates", json=newer, headers=admin)).status_code == 200
    history = (await http.get("/api/admin/market/rates", headers=admin)).json()["sets"]
    assert [s["date"] for s in history] == ["2026-12-01", "2026-11-30"]
    assert (await http.get("/api/market/currencies")).json()["currencies"] == ["EUR", "RSD"]


async def test_stores_map_their_own_products_only(
    server: HubServer, http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await http.put("/api/admin/market/tree", json=TREE, headers=admin)
    a, key_a = await new_store(server.hub, "Valvia")
    _b, key_b = await new_store(server.hub, "Kontakt")
    r = await put_products(http, a, key_a, [product("v1", "Valve", "V-1",
                                                    category="solenoid-valves")])  # fmt: skip
    assert r.status_code == 200
    view = (await http.get(f"/api/stores/{a}/products/v1", headers=bearer(key_a))).json()
    assert (view["category"], view["listed"]) == ("solenoid-valves", True)
    # not a subcategory, or not in the tree: refused, nothing stored
    for category in ("valves", "nope"):
        r = await put_products(http, a, key_a, [
            product("v2", "Other", "V-2"), product("v1", "Valve", "V-1", category=category),
        ])  # fmt: skip
        assert (r.status_code, r.json()["error"]["code"]) == (422, "unknown_category")
    assert (
        await http.get(f"/api/stores/{a}/products/v2", headers=bearer(key_a))
    ).status_code == 404
    # B cannot map, unlist or read A's products
    r = await put_products(http, a, key_b, [product("v1", "Mine", "V-1", listed=False)])
    assert r.status_code in (401, 403)
    r = await http.get(f"/api/stores/{a}/products", headers=bearer(key_b))
    assert r.status_code in (401, 403)
    for path in ("/api/admin/market/tree", "/api/admin/market/rates"):
        assert (await http.get(path, headers=bearer(key_b))).status_code == 401
    await found_within(http, "valve", {"v1"})
    page = await search(http, "valve", lang="sr")
    assert page["results"][0]["path"] == [
        {"id": "electrical", "name": "Elektro"},
        {"id": "automation", "name": "Automatika"},
        {"id": "valves", "name": "Ventili"},
        {"id": "solenoid-valves", "name": "Elektromagnetni ventili"},
    ]
