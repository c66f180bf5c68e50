"""Marketplace search over HTTP (docs/marketplace.md, "Searching"), on both backends: matching
every word, inside codes, typos and their limits, ranking, facets, filters, opt-out, changes
searchable within 1 s, and refusals in words."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from cartstart_server.server import HubServer
from tests.helpers.waiting import eventually
from tests.integration.market_helpers import (
    TREE,
    found_within,
    ids,
    new_store,
    product,
    put_products,
    search,
    set_stock,
)

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def shop(server: HubServer, http: httpx.AsyncClient) -> dict[str, Any]:
    """Two stores: A with valves and a contactor, B with a contactor and a tool."""
    await server.hub.market.import_tree(TREE)
    a, key_a = await new_store(server.hub, "Valvia")
    b, key_b = await new_store(server.hub, "Kontakt")
    r = await put_products(http, a, key_a, [
        product("v1", "Solenoid Valve DN25 IP67", "157B2210", tags=["pneumatics"],
                category="solenoid-valves"),
        product("v2", "Ball Valve Brass", "BV-2210", amount=6000, category="ball-valves"),
        product("c1", "Contactor 3-pole 24V", "HC-M10", tags=["switchgear"],
                category="contactors"),
        product("hidden", "Solenoid Valve Secret", "SECRET1", listed=False),
    ])  # fmt: skip
    assert r.status_code == 200, r.text
    r = await put_products(http, b, key_b, [
        product("k1", "Miniature contactor", "MC-9", amount=120000, currency="RSD",
                tags=["valve control"], category="contactors"),
        product("t1", "Crimping tool", "CT-1", tags=["tools"]),
        product("t2", "Adapter plate for HC-M10", "AP-7"),
    ])  # fmt: skip
    assert r.status_code == 200, r.text
    for store, key, pid in ((a, key_a, "v1"), (a, key_a, "c1"), (b, key_b, "k1")):
        await set_stock(http, store, key, pid, 5)
    await found_within(http, "valve", {"v1", "v2", "k1"}, within=2.0)

    async def in_stock() -> bool:  # the stock too, not only the products, reached the index
        valves = set(ids(await search(http, "valve", in_stock="true")))
        contactors = set(ids(await search(http, "contactor", in_stock="true")))
        return valves == {"v1", "k1"} and contactors == {"c1", "k1"}

    await eventually(in_stock, within=2.0, what="the shop's stock searchable")
    return {"a": a, "key_a": key_a, "b": b, "key_b": key_b}


async def test_every_word_must_match(http: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    assert set(ids(await search(http, "valve"))) == {"v1", "v2", "k1"}
    assert ids(await search(http, "valve brass")) == ["v2"]
    assert ids(await search(http, "solenoid brass")) == []


async def test_partial_words_and_codes(http: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    assert set(ids(await search(http, "2210"))) == {"v1", "v2"}  # inside 157B2210 and BV-2210
    assert ids(await search(http, "sole")) == ["v1"]  # a prefix
    assert ids(await search(http, "noid")) == ["v1"]  # inside a word
    assert ids(await search(http, "m10")) == ["t2", "c1"]  # a name match before a code part
    assert ids(await search(http, "CRIMP")) == ["t1"]


async def test_typos_and_their_limits(http: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    assert ids(await search(http, "solenod")) == ["v1"]  # 7 letters: one typo
    assert ids(await search(http, "slenod")) == []  # two typos in 7 letters: too many
    assert set(ids(await search(http, "contcator"))) == {"c1", "k1"}  # a swap counts one
    assert ids(await search(http, "bras")) == ["v2"]  # a prefix, not a typo
    assert ids(await search(http, "brss")) == []  # four letters: no typo forgiven
    assert ids(await search(http, "brasd")) == ["v2"]  # five letters: one forgiven
    assert ids(await search(http, "miniatrue contactor")) == ["k1"]


async def test_no_typos_in_codes(http: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    assert ids(await search(http, "157B2210")) == ["v1"]
    assert ids(await search(http, "157B2211")) == []  # one digit off: not a typo, a code
    assert ids(await search(http, "secret2")) == []


async def test_ranking_code_then_name_then_tags(
    http: httpx.AsyncClient, shop: dict[str, Any]
) -> None:
    # `valve`: names first (v1, v2), then the tag ("valve control" of k1)
    assert ids(await search(http, "valve"))[-1] == "k1"
    # an exact code first, whatever the name says
    assert ids(await search(http, "mc-9"))[0] == "k1"
    # the code HC-M10 exactly, before a product that has it in its name
    assert ids(await search(http, "hc-m10")) == ["c1", "t2"]
    assert ids(await search(http, "adapter hc-m10")) == ["t2"]
    assert ids(await search(http, "switchgear")) == ["c1"]


async def test_opted_out_products_never_found(
    http: httpx.AsyncClient, shop: dict[str, Any]
) -> None:
    assert "hidden" not in ids(await search(http, "solenoid"))
    assert ids(await search(http, "SECRET1")) == []
    r = await http.get(f"/api/market/products/{shop['a']}/hidden")
    assert r.status_code == 404


async def test_facets_and_filters(http: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    page = await search(http, "contactor", lang="sr")
    facets = page["facets"]
    assert {f["name"]: f["count"] for f in facets["store"]} == {"Valvia": 1, "Kontakt": 1}
    assert facets["subcategory"] == [{"id": "contactors", "name": "Kontaktori", "count": 2}]
    assert facets["industry"] == [{"id": "electrical", "name": "Elektro", "count": 2}]
    assert {f["id"]: f["count"] for f in facets["in_stock"]} == {"1": 2}
    assert sum(f["count"] for f in facets["price"]) == 1  # RSD has no rate: not counted
    only_b = await search(http, "contactor", store=shop["b"])
    assert ids(only_b) == ["k1"]
    valves = await search(http, "valve", category="valves")
    assert set(ids(valves)) == {"v1", "v2"}
    stocked = await search(http, "valve", in_stock="true")
    assert set(ids(stocked)) == {"v1", "k1"}
    cheap = await search(http, "valve", price="1000-5000")
    assert ids(cheap) == ["v1"]  # 10.00 EUR; the brass valve is 60.00
    assert cheap["facets"]["price"] == [{"id": "1000-5000", "name": "€10.00 – €50.00", "count": 1}]


async def test_tree_with_counts(http: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    r = await http.get("/api/market/tree", params={"lang": "en"})
    assert r.status_code == 200
    (electrical,) = r.json()["nodes"]
    assert (electrical["name"], electrical["level"], electrical["count"]) == (
        "Electrical", "industry", 4,
    )  # fmt: skip
    automation = electrical["children"][0]
    valves, switchgear = automation["children"]
    assert [(c["id"], c["count"]) for c in valves["children"]] == [
        ("solenoid-valves", 1), ("ball-valves", 1),
    ]  # fmt: skip
    assert switchgear["children"][0]["level"] == "subcategory"
    assert switchgear["count"] == 2
    sr = (await http.get("/api/market/tree", headers={"Accept-Language": "sr-RS,sr;q=0.9"})).json()
    assert sr["nodes"][0]["name"] == "Elektro"


async def test_changes_searchable_within_a_second(
    http: httpx.AsyncClient, shop: dict[str, Any]
) -> None:
    a, key = shop["a"], shop["key_a"]
    r = await put_products(http, a, key, [product("v3", "Solenoid valve NC", "157B9999")])
    assert r.status_code == 200
    await found_within(http, "solenoid", {"v1", "v3"})
    # deactivated: gone
    r = await put_products(http, a, key, [product("v3", "Solenoid valve NC", "157B9999",
                                                  active=False)])  # fmt: skip
    await found_within(http, "solenoid", {"v1"})
    # opted out: gone; back in: found
    r = await put_products(http, a, key, [product("v1", "Solenoid Valve DN25 IP67", "157B2210",
                                                  listed=False)])  # fmt: skip
    await found_within(http, "solenoid", set())
    # stock crossing zero changes the in-stock filter
    assert ids(await search(http, "brass", in_stock="true")) == []
    await set_stock(http, a, key, "v2", 3)

    async def stocked() -> bool:
        return ids(await search(http, "brass", in_stock="true")) == ["v2"]

    await eventually(stocked, within=1.0, what="in stock within 1 s")
    await set_stock(http, a, key, "v2", 0)

    async def out() -> bool:
        return ids(await search(http, "brass", in_stock="true")) == []

    await eventually(out, within=1.0, what="out of stock within 1 s")
    # Adjustments (a restock, sales over the counter) too: the index hears the ones that refill
    # or empty the shelf; one in between changes nothing it shows.
    for n, (delta, expected) in enumerate([(2, ["v2"]), (-1, ["v2"]), (-1, [])]):
        r = await http.post(
            f"/api/stores/{a}/products/v2/stock-adjustments",
            json={"delta": delta},
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"adjust-{n:04d}"},
        )
        assert r.status_code == 200, r.text

        async def shown(expected: list[str] = expected) -> bool:
            return ids(await search(http, "brass", in_stock="true")) == expected

        await eventually(shown, within=1.0, what=f"after {delta:+d}: {expected}")


@pytest.mark.parametrize(
    "q", ["", "   ", "x" * 10_000, "!!! ??? ---", "x" * 201, " ".join("abcdefghi")]
)
async def test_bad_queries_refused_in_words(
    http: httpx.AsyncClient, shop: dict[str, Any], q: str
) -> None:
    r = await http.get("/api/market/search", params={"q": q})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "bad_query"
    assert error["message"] and "validation" not in error["message"].lower()


@pytest.mark.parametrize(
    "q", ["a<b", "x>y", '"valve"', "100%", "a=b", "c:d", "e/f", "g@h", "i!j", "k'l", "m`n",
          "(valve)", "[valve]", "{valve}", "val.ve", "va*", "v+", "s#t", "u&v", "w~x", "a^b$c|d?e\\f"]
)  # fmt: skip
async def test_any_punctuation_in_a_word_is_searched_as_text(
    http: httpx.AsyncClient, shop: dict[str, Any], q: str
) -> None:
    r = await http.get("/api/market/search", params={"q": q})
    assert r.status_code == 200, r.text  # never the engine's regex error (a 500 before)
    if q.strip('"()[]{}') == "valve":  # punctuation around a word is not part of it
        assert ids(r.json()) == ids(await search(http, "valve"))


async def test_a_code_with_punctuation_is_found_by_its_parts(
    http: httpx.AsyncClient, shop: dict[str, Any]
) -> None:
    a, key = shop["a"], shop["key_a"]
    r = await put_products(http, a, key, [product("p1", "Pressure switch", "PS<4>+1.5")])
    assert r.status_code == 200, r.text
    await found_within(http, "PS<4>+1.5", {"p1"})
    await found_within(http, "<4>+1", {"p1"})


async def test_unknown_currency_and_category(http: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    r = await http.get("/api/market/search", params={"q": "valve", "currency": "XXX"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "unknown_currency")
    r = await http.get("/api/market/search", params={"q": "valve", "category": "nope"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "unknown_category")
    # a subcategory's id given as a category is not a category
    r = await http.get("/api/market/search", params={"q": "valve", "category": "contactors"})
    assert r.json()["error"]["code"] == "unknown_category"
    # still usable afterwards
    assert ids(await search(http, "brass")) == ["v2"]


async def test_browsing_a_branch_or_a_store_needs_no_words(
    http: httpx.AsyncClient, shop: dict[str, Any]
) -> None:
    assert set(ids(await search(http, "", area="automation"))) == {"v1", "v2", "c1", "k1"}
    assert set(ids(await search(http, " ", subcategory="contactors"))) == {"c1", "k1"}
    assert set(ids(await search(http, "", store=shop["b"]))) == {"k1", "t1", "t2"}
    r = await http.get("/api/market/search", params={"q": "", "in_stock": "true"})
    assert r.json()["error"]["code"] == "bad_query"  # a filter that is not a place: words needed


async def test_changes_stay_searchable_while_the_index_is_rebuilt(
    server: HubServer, http: httpx.AsyncClient, shop: dict[str, Any], monkeypatch: Any
) -> None:
    """New rates (or a tree import) rebuild the index on a thread of its own: a change made
    meanwhile is searchable within 1 s on the index in use, and still after the swap."""
    market = server.hub.market
    release = threading.Event()
    building = threading.Event()
    build = market._build

    def held_build(*args: Any) -> None:
        building.set()
        assert release.wait(20), "the test never released the rebuild"
        build(*args)

    monkeypatch.setattr(market, "_build", held_build)
    rates = {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17"}}
    admin = asyncio.create_task(market.set_rates(rates))
    try:
        await eventually(building.is_set, within=5.0, what="the rebuild started")
        r = await put_products(http, shop["a"], shop["key_a"], [
            product("v9", "Needle valve", "NV-9", category="ball-valves"),
        ])  # fmt: skip
        assert r.status_code == 200, r.text
        await found_within(http, "needle", {"v9"})  # the old index, while the rebuild waits
        assert not admin.done()  # the admin's answer waits for the rebuild
    finally:
        release.set()
    await admin
    await found_within(http, "needle", {"v9"})  # re-applied on the new index
    page = await search(http, "needle", currency="RSD")
    assert page["results"][0]["shown"]["currency"] == "RSD"  # the new rates are in force
