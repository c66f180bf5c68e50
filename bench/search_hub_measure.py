"""What bench/search_hub.py measures from the load generator's side: searches through the real
hub's `GET /api/market/search`, the labelled set, a change becoming searchable (and a
deactivated product gone), and the plain LIKE scan over the same products in this process.

One search at a time (sequential), over one keep-alive HTTP connection; each is the first page
of 20 with every facet's counts (the endpoint always counts them). Times are wall clock from
sending the request to the whole answer parsed, i.e. what a buyer's page waits for, minus the
network.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from bench.harness import machine_busy_seconds, pct
from bench.search_data import Product
from bench.search_hub_load import product_in
from bench.search_sqlite import SqliteEngine

SEARCH = "/api/market/search"
TIMEOUT_S = 10.0


def stats(values: list[float]) -> dict[str, float]:
    """Seconds in, milliseconds out: p50, p95, p99, max, mean, and how many."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": pct(values, 50) * 1000,
        "p95_ms": pct(values, 95) * 1000,
        "p99_ms": pct(values, 99) * 1000,
        "max_ms": max(values) * 1000,
        "mean_ms": sum(values) / len(values) * 1000,
    }


def search(http: httpx.Client, q: str) -> dict[str, Any]:
    r = http.get(SEARCH, params={"q": q, "lang": "en"})
    r.raise_for_status()
    body: dict[str, Any] = r.json()
    return body


def found_ids(page: dict[str, Any]) -> list[str]:
    return [str(p["product_id"]) for p in page["results"]]


def is_right(page: dict[str, Any], product_id: int, expect: bool) -> bool:
    """A labelled query is right when its product is on the first page (or, for a typo in a
    code, is not)."""
    return (f"p{product_id}" in found_ids(page)) == expect


def query_rounds(http: httpx.Client, mix: list[tuple[str, str]], rounds: int) -> dict[str, Any]:
    """`rounds` passes over the query mix, one search at a time; per search the wall time."""
    walls: list[float] = []
    by_kind: dict[str, list[float]] = {}
    totals: list[int] = []
    busy0, cpu0, t0 = machine_busy_seconds(), time.process_time(), time.perf_counter()
    for r in range(rounds):
        for kind, q in mix:
            w = time.perf_counter()
            page = search(http, q)
            wall = time.perf_counter() - w
            walls.append(wall)
            by_kind.setdefault(kind, []).append(wall)
            if r == 0:
                totals.append(int(page["total"]))
    elapsed = time.perf_counter() - t0
    return {
        "wall": stats(walls),
        "by_kind": {k: stats(v) for k, v in by_kind.items()},
        "over_20ms": sum(1 for w in walls if w > 0.020),
        "elapsed_s": elapsed,
        "loadgen_cpu_s": time.process_time() - cpu0,
        "machine_busy_cores": (machine_busy_seconds() - busy0) / elapsed,
        "totals": totals,
    }


def labelled_pass(http: httpx.Client, labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Per kind: right answers of how many, the wrong queries, and the searches' times."""
    out: dict[str, Any] = {}
    walls: list[float] = []
    for lab in labels:
        w = time.perf_counter()
        page = search(http, str(lab["query"]))
        walls.append(time.perf_counter() - w)
        right = is_right(page, int(lab["id"]), bool(lab["expect"]))
        k = out.setdefault(str(lab["kind"]), {"right": 0, "of": 0, "wrong": []})
        k["of"] += 1
        k["right"] += right
        if not right:
            k["wrong"].append(lab["query"])
    return {"kinds": out, "right": sum(k["right"] for k in out.values()),
            "of": len(labels), "wall": stats(walls)}  # fmt: skip


def _wait(http: httpx.Client, q: str, product_id: str, present: bool, t0: float) -> float:
    """Search `q` until `product_id` is (or is no longer) on the first page; seconds from t0."""
    while (product_id in found_ids(search(http, q))) != present:
        if time.perf_counter() - t0 > TIMEOUT_S:
            raise RuntimeError(f"{q!r}: {product_id} not {'found' if present else 'gone'}")
    return time.perf_counter() - t0


def freshness(
    http: httpx.Client, items: list[Product], stores: dict[str, Any], n: int
) -> dict[str, Any]:
    """`n` times: a product renamed (a word nobody has) through the store API, timed from the
    request until a search finds it; then the same product deactivated, until a search for its
    code no longer does. The upsert's own answer time is reported too."""
    found, gone, writes = [], [], []
    for i in range(n):
        p = items[(i * 9973 + 17) % len(items)]
        store = stores[str(p.store)]
        url = f"/api/stores/{store['id']}/products"
        auth = {"Authorization": f"Bearer {store['key']}"}
        word = f"freshword{i:03d}x"
        renamed = product_in(replace(p, name=f"{p.name} {word}"))
        t0 = time.perf_counter()
        r = http.post(url, json={"products": [renamed.model_dump(mode="json")]}, headers=auth)
        r.raise_for_status()
        writes.append(time.perf_counter() - t0)
        found.append(_wait(http, word, f"p{p.id}", True, t0))
        off = renamed.model_copy(update={"active": False}).model_dump(mode="json")
        t0 = time.perf_counter()
        http.post(url, json={"products": [off]}, headers=auth).raise_for_status()
        gone.append(_wait(http, p.code, f"p{p.id}", False, t0))
    return {"upsert_answer": stats(writes), "searchable": stats(found), "gone": stats(gone)}


def like_baseline(
    items: list[Product], mix: list[tuple[str, str]], labels: list[dict[str, Any]], work: Path
) -> dict[str, Any]:
    """The naive baseline in this process: bench/search_sqlite.py's LIKE scan over the same
    products, first page and facets, one pass over the mix, and its labelled answers."""
    engine = SqliteEngine(work / "like.db")
    try:
        t0 = time.perf_counter()
        engine.build(items)
        built = time.perf_counter() - t0
        for _, q in mix[:20]:
            engine.search(q)
        walls: list[float] = []
        totals: list[int] = []
        cpu0 = time.process_time()
        for _, q in mix:
            w = time.perf_counter()
            _, total, _ = engine.search(q)
            walls.append(time.perf_counter() - w)
            totals.append(total)
        cpu = time.process_time() - cpu0
        right = sum(
            (int(lab["id"]) in engine.search(str(lab["query"]))[0]) == bool(lab["expect"])
            for lab in labels
        )
    finally:
        engine.close()
    return {"build_s": built, "wall": stats(walls), "over_20ms": sum(w > 0.020 for w in walls),
            "cpu_s": cpu, "right": right, "of": len(labels), "totals": totals}  # fmt: skip


def agreement(mix: list[tuple[str, str]], hub: list[int], like: list[int]) -> dict[str, Any]:
    """Queries without a deliberate typo where the hub's match count equals the LIKE scan's
    (exact for those rules), and the first that differ."""
    pairs = [(q, a, b) for (k, q), a, b in zip(mix, hub, like, strict=True) if "typo" not in k]
    differ = [f"{q!r}: hub {a}, LIKE {b}" for q, a, b in pairs if a != b]
    return {"same": len(pairs) - len(differ), "of": len(pairs), "differ": differ[:10]}
