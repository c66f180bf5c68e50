"""The marketplace on two hub nodes sharing PostgreSQL and Redis: each node keeps its own index,
and a change made through one node is found on the other within 1 s (products, the tree, rates)."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Nodes
from tests.helpers.waiting import eventually
from tests.integration.market_helpers import (
    TREE,
    found_within,
    ids,
    new_store,
    product,
    put_products,
    search,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.backends("postgres")]


async def test_a_change_on_one_node_is_found_on_the_other(nodes: Nodes) -> None:
    a, b = nodes
    async with (
        httpx.AsyncClient(base_url=a.http_url, timeout=10) as on_a,
        httpx.AsyncClient(base_url=b.http_url, timeout=10) as on_b,
    ):
        await a.hub.market.import_tree(TREE)
        store_id, key = await new_store(a.hub, "Valvia")
        r = await put_products(on_a, store_id, key, [
            product("v1", "Solenoid valve", "157B2210", category="solenoid-valves"),
        ])  # fmt: skip
        assert r.status_code == 200
        await found_within(on_b, "2210", {"v1"})
        # made on B, found on A; deactivated on A, gone on B
        await put_products(on_b, store_id, key, [product("v2", "Ball valve", "BV-1")])
        await found_within(on_a, "valve", {"v1", "v2"})
        await put_products(on_a, store_id, key, [product("v2", "Ball valve", "BV-1",
                                                         active=False)])  # fmt: skip
        await found_within(on_b, "valve", {"v1"})
        assert ids(await search(on_b, "BV-1")) == []

        # the tree's counts and a rates set reach the other node too
        async def counted() -> bool:
            tree = (await on_b.get("/api/market/tree")).json()
            return bool(tree["nodes"]) and tree["nodes"][0]["count"] == 1

        await eventually(counted, within=1.0, what="the tree with counts on B")
        await a.hub.market.set_rates({"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117"}})

        async def converted() -> bool:
            page = await on_b.get("/api/market/search", params={"q": "valve", "currency": "RSD"})
            return (
                page.status_code == 200 and page.json()["results"][0]["shown"]["amount"] == 117000
            )

        await eventually(converted, within=1.0, what="RSD on B")
