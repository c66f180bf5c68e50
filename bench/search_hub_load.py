"""Loading bench/search_data.py's catalogue into a fresh hub data directory (bench/search_hub.py).

Through the hub's own layers, in process, as the store API would: the hub's migrations (opening
its storage), the tree imported and the rates set as the admin does (services/market.py), 500
stores registered (services/stores.py), every product upserted with `UpsertProducts` in batches
of 1,000 (what `POST /api/stores/{id}/products` runs: the same command, the same plan, the change
counter and `market_seq` stamped) and every in-stock product given its count with `SetStock`
(what `PUT .../stock` runs), many at once so the hub's committer groups them. Only HTTP is
skipped. The hub runs without its background tasks: no search index is built here; the hub
under test builds it at its start from what is stored.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.search_data import TREE, Product
from cartstart_server.clock import SystemClock
from cartstart_server.config import HubConfig
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, SetStock, UpsertProducts

BATCH = 1000  # the store API's most products per upsert
RATES = {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17", "USD": "1.05"}}


def slug(*names: str) -> str:
    """A tree id (`[a-z0-9-]{1,40}`) from a node's path of names: unique as the path is."""
    text = "-".join(re.sub(r"[^a-z0-9]+", "-", n.lower()).strip("-") for n in names)
    return text[:40].strip("-")


def tree_doc() -> dict[str, Any]:
    """search_data.TREE as the admin's tree import takes it: four levels, en and sr names."""

    def node(path: tuple[str, ...], kids: list[dict[str, Any]] | None) -> dict[str, Any]:
        name = path[-1]
        doc: dict[str, Any] = {"id": slug(*path), "names": {"en": name, "sr": f"{name} (sr)"}}
        return {**doc, "children": kids} if kids is not None else doc

    return {
        "version": 1,
        "nodes": [
            node((i,), [
                node((i, a), [
                    node((i, a, c), [node((i, a, c, s), None) for s in subs])
                    for c, subs in categories.items()
                ])
                for a, categories in areas.items()
            ])
            for i, areas in TREE.items()
        ],
    }  # fmt: skip


def product_in(p: Product) -> ProductIn:
    """A generated product as its store sends it (prices in EUR cents, mapped to its
    subcategory)."""
    return ProductIn(
        id=f"p{p.id}",
        name=p.name,
        code=p.code,
        price=Price(amount=round(p.price * 100), currency="EUR"),
        tags=list(p.tags),
        category=slug(p.industry, p.area, p.category, p.subcategory),
        page_url=f"https://store{p.store}.example/p/{p.id}",
    )


def on_hand(p: Product) -> int:
    """In stock: 1 to 100 (a deterministic count); else nothing is ever set (0)."""
    return 1 + p.id * 7919 % 100 if p.in_stock else 0


def batches(items: Iterable[Product], size: int = BATCH) -> list[list[Product]]:
    out: list[list[Product]] = []
    for p in items:
        if not out or len(out[-1]) == size:
            out.append([])
        out[-1].append(p)
    return out


def config(data_dir: Path) -> HubConfig:
    return HubConfig(data_dir=data_dir, port=0, log_format="text", log_level="WARNING")


async def load(data_dir: Path, items: list[Product], stores: int) -> dict[str, Any]:
    """The catalogue into a fresh data directory; returns the stores' ids and API keys (by the
    generated store number) and the time each step took."""
    cfg = config(data_dir)
    hub = Hub(database_for(cfg), broker_for(cfg), SystemClock(), cfg)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    await hub.start(background=False)  # migrations; no index, no background tasks
    try:
        await hub.market.import_tree(tree_doc())
        await hub.market.set_rates(RATES)
        ids: dict[int, tuple[str, str]] = {}
        for s in range(stores):
            ids[s] = await hub.stores.create(f"Bench Store {s:03d}", default_ttl=600)
        timings["stores_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        by_store: dict[int, list[Product]] = {}
        for p in items:
            by_store.setdefault(p.store, []).append(p)
        n = 0
        for s, products in sorted(by_store.items()):
            for chunk in batches(products):
                n += 1
                cmd = UpsertProducts(id=f"load-{n:06d}", products=[product_in(p) for p in chunk])
                await hub.stores.command(ids[s][0], cmd)
        timings["upsert_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        stocked = [p for p in items if p.in_stock]
        for chunk in batches(stocked, 500):
            await asyncio.gather(
                *(
                    hub.stores.command(
                        ids[p.store][0],
                        SetStock(id=f"stock-{p.id:07d}", product_id=f"p{p.id}", on_hand=on_hand(p)),
                    )
                    for p in chunk
                )
            )
        timings["stock_s"] = time.perf_counter() - t0
    finally:
        await hub.stop()
    return {
        "stores": {str(s): {"id": i, "key": k} for s, (i, k) in ids.items()},
        "timings": timings,
        "stock_set": len(stocked),
    }
