"""The gallery's search (`search` on /ws/live, GET /api/live/stores/{id}/search) on both
backends: every word must match part of a product's name, code or tags, in any case, accents
included; an exact code comes first. Words are matched in `products.search_text`, written with
each upsert (and filled by the migration for products already there)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from cartstart_server.server import HubServer
from cartstart_server.storage import boards
from cartstart_server.storage.migrations import MIGRATIONS
from cartstart_server.storage.sqlite import drive, migrate
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, UpsertProducts
from tests.helpers.hubs import command_id
from tests.helpers.peers import peer

CATALOGUE = [
    ("shirt", "Classic Linen Shirt Slim Fit Navy", "157B2210", ["summer", "men"]),
    ("mug", "Stoneware Coffee Mug 350 ml", "157B2211", ["kitchen", "gift"]),
    ("creme", "Crème Brûlée Set", "884K0001", ["kitchen", "Cadeau Spécial"]),
    ("scarf", "Cashmere Scarf", "2210X", ["winter"]),
    ("odd", "Shirt_XL 100% cotton", "A-1/2", []),
]


async def store_with_catalogue(server: HubServer) -> str:
    store_id, _ = await server.hub.stores.create("Shop", default_ttl=600, renewal_limit=2)
    products = [
        ProductIn(id=pid, name=name, code=code, tags=tags, price=Price(amount=1000, currency="EUR"))
        for pid, name, code, tags in CATALOGUE
    ]
    await server.hub.stores.command(store_id, UpsertProducts(id=command_id(), products=products))
    return store_id


async def found(http: httpx.AsyncClient, store_id: str, q: str) -> list[str]:
    r = await http.get(f"/api/live/stores/{store_id}/search", params={"q": q})
    assert r.status_code == 200, r.text
    return [item["product_id"] for item in r.json()["items"]]


async def test_search_matches_parts_of_words_codes_and_tags_in_any_case(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id = await store_with_catalogue(server)
    assert await found(http, store_id, "lin") == ["shirt"]  # part of a word
    assert await found(http, store_id, "INEN sli") == ["shirt"]  # parts of two, any case
    assert await found(http, store_id, "linen navy") == ["shirt"]
    assert await found(http, store_id, "linen mug") == []  # every word must match
    assert await found(http, store_id, "157B2211") == ["mug"]  # a whole code
    assert await found(http, store_id, "57b22") == ["shirt", "mug"]  # part of a code, by name
    assert await found(http, store_id, "2210") == ["scarf", "shirt"]  # in two codes: by name
    assert await found(http, store_id, "2210x") == ["scarf"]  # any case
    assert await found(http, store_id, "gift") == ["mug"]  # a tag
    assert await found(http, store_id, "kitchen coffee") == ["mug"]  # a tag and a word
    assert await found(http, store_id, "linen 157b") == ["shirt"]  # name and code together
    assert await found(http, store_id, "navy157b") == []  # never across two of them
    assert await found(http, store_id, "CRÈME brûl") == ["creme"]  # accents, any case
    assert await found(http, store_id, "spécial") == ["creme"]  # and in tags
    assert await found(http, store_id, "a-1/2") == ["odd"]  # a code with - and /
    assert await found(http, store_id, "shirt_") == ["odd"]  # _ is itself, not any letter
    assert await found(http, store_id, "100%") == ["odd"]  # % is never a wildcard
    assert set(await found(http, store_id, "shirt")) == {"shirt", "odd"}
    assert await found(http, store_id, "zebra") == []


async def test_search_ranks_names_starting_with_the_word_and_follows_renames(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id = await store_with_catalogue(server)
    # Both names hold "shirt"; the one that starts with it comes first.
    assert await found(http, store_id, "shirt") == ["odd", "shirt"]
    renamed = ProductIn(
        id="mug", name="Porcelain Teacup", code="157B2211", price=Price(amount=1, currency="EUR")
    )
    await server.hub.stores.command(store_id, UpsertProducts(id=command_id(), products=[renamed]))
    assert await found(http, store_id, "coffee") == []
    assert await found(http, store_id, "gift") == []  # its tags went with the old entry
    assert await found(http, store_id, "teacu") == ["mug"]
    async with peer(server, "live") as public:  # the same over the WebSocket
        await public.send({"type": "hello", "versions": [1], "store_id": store_id})
        await public.expect("welcome")
        await public.expect("public_snapshot")
        await public.send({"type": "search", "id": "search-0001", "query": "PORCEL 157b"})
        results = await public.expect("search_results")
        assert [item["product_id"] for item in results["items"]] == ["mug"]


def test_the_migration_fills_search_text_for_products_already_there(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "hub.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number, statements in enumerate(MIGRATIONS[:8], start=1):  # before migration 9's fill
        for sql in statements:
            conn.execute(sql)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
    conn.execute(
        "INSERT INTO stores (id, name, key_hash, default_ttl, renewal_limit, created_at) "
        "VALUES ('st1', 'Shop', 'x', 600, 2, 0)"
    )
    conn.execute(
        "INSERT INTO products (store_id, product_id, name, code, price_amount, currency, tags, "
        "updated_at) VALUES ('st1', 'shirt', 'Linen Shirt', '157B2210', 1, 'EUR', "
        "'[\"summer\"]', 0)"
    )
    migrate(conn)
    for q in ("lin", "SHIRT", "157b22", "summer linen"):
        assert [p.product_id for p in drive(conn, boards.search("st1", q, 24))] == ["shirt"], q
