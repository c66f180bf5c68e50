"""Live selling, the gallery's search (issue 14): `search` over /ws/live (public mode) and
GET /api/live/stores/{id}/search on a store of 20,000 products, against the same SQL run by plain
sqlite3 on the hub's own database file, in the same run.

The catalogue is generated (seeded): names like "Classic Linen Shirt Slim Fit Navy", codes like
157B2210, two to four tags. Queries are drawn from it: whole words, one to three of them, parts
of words, whole and partial codes, tags, and words that match nothing. Each query is sent one at
a time (one in flight), over the WebSocket, then HTTP, then run directly: the baseline is the
statement the hub's own plan (`storage.boards.search`) yields, so it stays the same SQL when the
hub's query changes. The hub runs in its own process; the client in another, which reports the
hub's CPU per search and its own.

    python -m bench.live_search           # 20,000 products, 1,000 queries
    python -m bench.live_search --short   # 20,000 products, 200 queries
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench.harness import PYTHON, ROOT, cpu_seconds, create_store, machine, start_hub, summary
from bench.live_chat import loadavg
from cartstart_server.domain import selling as rules
from cartstart_server.storage import boards
from cartstart_server.storage.sqlite import SqliteDatabase

ADJECTIVES = ["Classic", "Vintage", "Organic", "Premium", "Slim", "Cosy", "Rustic", "Modern",
              "Handmade", "Nordic", "Compact", "Deluxe", "Everyday", "Travel", "Kids"]  # fmt: skip
MATERIALS = ["Linen", "Cotton", "Wool", "Ceramic", "Oak", "Bamboo", "Leather", "Steel", "Glass",
             "Cashmere", "Denim", "Copper", "Walnut", "Silk", "Stoneware"]  # fmt: skip
THINGS = ["Shirt", "Mug", "Vase", "Scarf", "Chair", "Lamp", "Teapot", "Jacket", "Bowl", "Sneakers",
          "Backpack", "Blanket", "Candle", "Wallet", "Cutting Board", "Coffee Grinder",
          "Water Bottle", "Notebook", "Plant Pot", "Sunglasses"]  # fmt: skip
VARIANTS = ["Slim Fit", "350 ml", "Large", "Small", "Set of 4", "XL", "Limited Edition", "2-Pack",
            "Matte", "Gloss", "", "", ""]  # fmt: skip
COLOURS = ["Navy", "Sand", "Forest Green", "Charcoal", "Ivory", "Rust", "Sky Blue", "Black",
           "White", "Terracotta", "Mustard", "Blush"]  # fmt: skip
TAGS = ["kitchen", "home", "gift", "sale", "new", "outdoor", "office", "women", "men", "kids",
        "eco", "handmade", "bestseller", "winter", "summer", "travel", "decor", "vintage"]  # fmt: skip


def catalogue(n: int, seed: int = 14) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    items = []
    for i in range(n):
        parts = [rnd.choice(ADJECTIVES), rnd.choice(MATERIALS), rnd.choice(THINGS)]
        parts += [rnd.choice(VARIANTS), rnd.choice(COLOURS)]
        letter = rnd.choice("ABCDEFGHKMNPRSTX")
        item = {
            "id": f"p{i:05d}",
            "name": " ".join(w for w in parts if w),
            "code": f"{rnd.randrange(100, 1000)}{letter}{rnd.randrange(10000):04d}",
            "price": {"amount": rnd.randrange(300, 30000), "currency": "EUR"},
            "tags": rnd.sample(TAGS, rnd.randrange(2, 5)),
        }
        items.append(item)
    return items


def queries(items: list[dict[str, Any]], n: int, seed: int = 15) -> list[tuple[str, str]]:
    """(kind, query) drawn from the catalogue, kinds in turn."""
    rnd = random.Random(seed)

    def words() -> list[str]:
        return str(rnd.choice(items)["name"]).split()

    def part(word: str) -> str:
        """Three letters or more of the word, never all of it (a short word whole)."""
        if len(word) <= 3:
            return word.lower()
        k = rnd.randrange(3, len(word))
        start = rnd.randrange(0, len(word) - k + 1)
        return word[start : start + k].lower()

    kinds = {
        "1 word": lambda: rnd.choice(words()).lower(),
        "2 words": lambda: " ".join(rnd.sample(words(), 2)),
        "3 words": lambda: " ".join(rnd.sample(words(), 3)),
        "part of a word": lambda: part(max(words(), key=len)),
        "2 parts": lambda: " ".join(part(w) for w in rnd.sample(words(), 2)),
        "code": lambda: str(rnd.choice(items)["code"]),
        "part of a code": lambda: str(rnd.choice(items)["code"])[rnd.randrange(0, 3) :][:5],
        "tag and word": lambda: f"{rnd.choice(TAGS)} {rnd.choice(words()).lower()}",
        "no match": lambda: rnd.choice(["zebra", "qwx", "999Z9999", "purple unicorn"]),
    }
    names = list(kinds)
    return [(names[i % len(names)], kinds[names[i % len(names)]]()) for i in range(n)]


# ---- the client (its own process: `--client SPEC`) -----------------------------------------


def run_ns(pid: int) -> int:
    """Nanoseconds the process's threads have run on a CPU (/proc/<pid>/task/*/schedstat): to
    the nanosecond, where /proc/<pid>/stat counts 10 ms ticks."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/schedstat") as fh:
            total += int(fh.read().split()[0])
    return total


def direct_sql(store_id: str, query: str, limit: int) -> tuple[str, tuple[Any, ...]]:
    """The statement the hub runs for this search (its plan's first and only statement)."""
    plan = boards.search(store_id, query, limit)
    stmt = next(plan)
    plan.close()
    return stmt.sql, stmt.params


def folding_sql(store_id: str, query: str, limit: int) -> tuple[str, tuple[Any, ...]]:
    """The search as it was before `products.search_text` (commit 170f43a): LOWER() of name,
    code and tags of every product at every search. Run directly too, for the comparison."""
    words = rules.search_words(query)
    where = ["store_id = ?", "active = 1"]
    params: list[object] = [store_id]
    for word in words:
        where.append(
            "(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(code) LIKE ? ESCAPE '\\' "
            "OR LOWER(tags) LIKE ? ESCAPE '\\')"
        )
        params += [rules.like_pattern(word)] * 3
    first = words[0] if words else ""
    return (
        f"SELECT * FROM products WHERE {' AND '.join(where)} "
        "ORDER BY LOWER(code) = ? DESC, LOWER(name) LIKE ? DESC, name, product_id LIMIT ?",
        (*params, first, rules.like_pattern(first)[1:], limit),
    )


async def client_main(spec: dict[str, Any]) -> dict[str, Any]:
    store, limit, server = spec["store"], spec["limit"], spec["server_pid"]
    db = sqlite3.connect(f"file:{spec['db']}?mode=ro", uri=True, isolation_level=None)
    db.execute(f"PRAGMA cache_size = -{SqliteDatabase.CACHE_KIB}")  # as the hub's connections
    plan_text = {}
    for kind, q in spec["queries"][:9]:
        sql, params = direct_sql(store, q, limit)
        plan_text[kind] = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
    times: dict[str, list[float]] = {"ws": [], "ws_hub_cpu": [], "http": [], "sqlite": [],
                                     "sqlite_cpu": [],
                                     "folding_sql": [], "folding_sql_cpu": []}  # fmt: skip
    by_kind: dict[str, dict[str, list[float]]] = {}
    hits: dict[str, int] = {}
    cpu: dict[str, float] = {"ws": 0.0, "http": 0.0}
    ws = await connect(spec["url"], compression=None, max_queue=None)
    await ws.send(json.dumps({"type": "hello", "versions": [1], "store_id": store}))
    while '"type":"public_snapshot"' not in str(await ws.recv()):
        pass
    load0 = loadavg()
    async with httpx.AsyncClient(base_url=spec["http"], timeout=30) as http:
        for i, (kind, q) in enumerate(spec["queries"]):
            cid = f"search-{i:06d}"
            c0 = cpu_seconds(server)
            r0 = run_ns(server)
            t0 = time.perf_counter()
            await ws.send(json.dumps({"type": "search", "id": cid, "query": q, "limit": limit}))
            while cid not in (raw := str(await ws.recv())):
                pass
            t1 = time.perf_counter()
            r1 = run_ns(server)
            c1 = cpu_seconds(server)
            r = await http.get(f"/api/live/stores/{store}/search", params={"q": q, "limit": limit})
            t2 = time.perf_counter()
            cpu["ws"] += c1 - c0
            cpu["http"] += cpu_seconds(server) - c1
            r.raise_for_status()
            measured = {"ws": t1 - t0, "http": t2 - t1, "ws_hub_cpu": (r1 - r0) / 1e9}
            for via, build in (("sqlite", direct_sql), ("folding_sql", folding_sql)):
                sql, params = build(store, q, limit)
                c3, t3 = time.thread_time(), time.perf_counter()
                rows = db.execute(sql, params).fetchall()
                measured[via] = time.perf_counter() - t3
                measured[f"{via}_cpu"] = time.thread_time() - c3
                assert len(rows) == len(r.json()["items"]), q
            assert len(rows) == raw.count('"product_id"'), q
            hits[kind] = hits.get(kind, 0) + len(rows)
            for via, t in measured.items():
                times[via].append(t)
                by_kind.setdefault(kind, {}).setdefault(via, []).append(t)
    await ws.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    n = len(spec["queries"])
    return {
        **{via: summary(t) for via, t in times.items()},
        "by_kind": {k: {via: summary(t) for via, t in v.items()} for k, v in by_kind.items()},
        "hits_per_query": {k: hits[k] / len(by_kind[k]["ws"]) for k in hits},
        "hub_cpu_ms_per_search": {via: c / n * 1000 for via, c in cpu.items()},
        "loadgen_cpu_s": usage.ru_utime + usage.ru_stime,
        "loadavg": [load0, loadavg()],
        "query_plan": plan_text,
    }


# ---- the orchestrator ----------------------------------------------------------------------


async def load_catalogue(http_url: str, store: str, key: str, items: list[dict[str, Any]]) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=http_url, timeout=120) as http:
        for i in range(0, len(items), 1000):
            r = await http.post(
                f"/api/stores/{store}/products", json={"products": items[i : i + 1000]},
                headers=auth,
            )  # fmt: skip
            r.raise_for_status()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--short", action="store_true", help="200 queries")
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=24, help="results per search (the default)")
    parser.add_argument("--out", default="bench/results/live_search.json")
    args = parser.parse_args()
    if args.client:
        print(json.dumps(await client_main(json.loads(Path(args.client).read_text()))))
        return
    if args.short:
        args.queries = 200
    print(machine(), f"; load average {loadavg():.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        data = tmp / "hub"
        hub = start_hub(data)
        try:
            store, key = await create_store(hub, data, {})
            items = catalogue(args.products)
            t0 = time.monotonic()
            await load_catalogue(hub.http_url, store, key, items)
            print(f"{len(items)} products loaded in {time.monotonic() - t0:.1f} s", flush=True)
            spec = {"url": f"{hub.ws_url}/ws/live", "http": hub.http_url, "store": store,
                    "db": str(data / "hub.sqlite3"), "limit": args.limit,
                    "queries": queries(items, args.queries), "server_pid": hub.pid}  # fmt: skip
            path = tmp / "spec.json"
            path.write_text(json.dumps(spec))
            out = subprocess.run(
                [PYTHON, "-m", "bench.live_search", "--client", str(path)],
                cwd=ROOT, capture_output=True, text=True, check=True, timeout=3600,
            ).stdout  # fmt: skip
        finally:
            hub.stop()
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    for via, s in result.items():
        if isinstance(s, dict) and "p50_ms" in s:
            print(f"{via:15} p50 {s['p50_ms']:6.2f} ms, p99 {s['p99_ms']:6.2f} ms, "
                  f"mean {s['mean_ms']:6.2f} ms")  # fmt: skip
    for a, b in (("ws", "sqlite"), ("ws_hub_cpu", "sqlite_cpu"), ("folding_sql_cpu", "sqlite_cpu")):
        print(f"{a} / {b}: p50 {result[a]['p50_ms'] / result[b]['p50_ms']:.2f}x, "
              f"p99 {result[a]['p99_ms'] / result[b]['p99_ms']:.2f}x")  # fmt: skip
    print("hub CPU per search (ms):", result["hub_cpu_ms_per_search"],
          "load generator CPU", round(result["loadgen_cpu_s"], 1), "s; load average",
          result["loadavg"])  # fmt: skip
    for kind, vias in result["by_kind"].items():
        shown = ", ".join(
            f"{v} {s['p50_ms']:.1f}/{s['p99_ms']:.1f}"
            for v, s in vias.items()
            if v in ("ws", "sqlite", "folding_sql")
        )
        print(f"  {kind:15} p50/p99 ms: {shown}; {result['hits_per_query'][kind]:.1f} results")
    for kind, plan in result["query_plan"].items():
        print(f"  plan ({kind}): {' | '.join(plan)}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"machine": machine(), **result}, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    asyncio.run(main())
