"""Marketplace search (issue 17): SQLite FTS5 (trigram), tantivy, PostgreSQL pg_trgm and a plain
LIKE scan, side by side on the same 200,000 generated products over 500 stores
(bench/search_data.py).

    .venv/bin/python -m bench.search_engines                      # all four, 200,000 products
    .venv/bin/python -m bench.search_engines --products 20000     # quicker
    .venv/bin/python -m bench.search_engines --engines fts5,tantivy

Each engine runs in two processes of its own, one after the other (`--child ENGINE --phase
build|serve`), and the engines one after another, so RSS and CPU are its own and no two compete
for the 2 cores. `build`: the catalogue generated (seeded), the index built (timed), its size
and the process's RSS. `serve`: a fresh process opens that index (its RSS is a serving node's,
without the build's buffers) and runs a labelled set (does the expected product come in the
first 20?), a warm-up of 40 queries, the measured pass over the whole query mix (one at a time;
each search is the first page of 20 ids AND the counts of every facet: store, industry, area,
category, subcategory, price range, in stock), the same pass without facets, and 20
single-product changes, each timed from the start of the write to the moment a search finds the
product under its new name. The parent records `uptime` before and after, prints the JSON
summary and writes it to bench/results/search_engines-*.json.

The baseline, in the same run, is the LIKE scan (engine `like`): every ratio is against it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from bench.harness import PYTHON, ROOT, machine, machine_busy_seconds, rss_kib, summary
from bench.search_data import Product, catalogue, labelled, queries
from bench.search_sqlite import Found, FtsEngine, SqliteEngine

ENGINES = ["like", "fts5", "tantivy", "pg"]


class Engine(Protocol):
    name: str

    def build(self, items: list[Product]) -> dict[str, float]: ...
    def search(self, query: str, limit: int = 20, facets: bool = True) -> Found: ...
    def change(self, p: Product) -> None: ...
    def size_bytes(self) -> dict[str, int]: ...
    def close(self) -> None: ...


def open_engine(kind: str, work: Path, create: bool) -> Engine:
    if kind == "like":
        return SqliteEngine(work / "like.db")
    if kind == "fts5":
        return FtsEngine(work / "fts5.db")
    if kind == "pg":
        from bench.search_pg import PgEngine  # the server: the parent's throwaway cluster

        return PgEngine()
    from bench.search_tantivy import TantivyEngine  # only this child needs it

    return TantivyEngine(work / "tantivy", create)


def loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def timed_pass(engine: Engine, mix: list[tuple[str, str]], facets: bool = True) -> dict[str, Any]:
    walls: list[float] = []
    cpus: list[float] = []
    by_kind: dict[str, list[float]] = {}
    totals: list[int] = []
    busy0, cpu0, t0 = machine_busy_seconds(), time.process_time(), time.perf_counter()
    for kind, q in mix:
        c, w = time.process_time(), time.perf_counter()
        _, total, _ = engine.search(q, facets=facets)
        wall = time.perf_counter() - w
        cpus.append(time.process_time() - c)
        walls.append(wall)
        by_kind.setdefault(kind, []).append(wall)
        totals.append(total)
    elapsed = time.perf_counter() - t0
    return {
        "wall": summary(walls),
        "cpu": summary(cpus),
        "by_kind": {k: summary(v) for k, v in by_kind.items()},
        "over_20ms": sum(1 for w in walls if w > 0.020),
        "elapsed_s": elapsed,
        "process_cpu_s": time.process_time() - cpu0,
        "machine_busy_cores": (machine_busy_seconds() - busy0) / elapsed,
        "totals": totals,
    }


def quality(engine: Engine, labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Per kind: how many labelled queries came out right (the product in the first 20, or for
    a typo in a code, not in them), and the queries that did not."""
    out: dict[str, Any] = {}
    for lab in labels:
        hits, _, _ = engine.search(str(lab["query"]))
        right = (lab["id"] in hits) == lab["expect"]
        k = out.setdefault(str(lab["kind"]), {"right": 0, "of": 0, "wrong": []})
        k["of"] += 1
        k["right"] += right
        if not right:
            k["wrong"].append(lab["query"])
    return out


def freshness(engine: Engine, items: list[Product], n: int = 20) -> dict[str, Any]:
    """Rename `n` products to a word nobody has; time write -> found by a search."""
    waits, writes = [], []
    for i in range(n):
        p = items[(i * 9973) % len(items)]
        new = replace(p, name=f"{p.name} Freshword{i:02d}x")
        t0 = time.perf_counter()
        engine.change(new)
        writes.append(time.perf_counter() - t0)
        while p.id not in engine.search(f"freshword{i:02d}x")[0]:
            if time.perf_counter() - t0 > 10:
                raise RuntimeError(f"{engine.name}: change {i} not found within 10 s")
        waits.append(time.perf_counter() - t0)
    return {"write": summary(writes), "searchable": summary(waits)}


def child(kind: str, phase: str, n: int, stores: int, n_queries: int, work: Path) -> None:
    """`build`: the index, into `work`. `serve`: a fresh process opens that index and answers
    (its RSS is what a node serving searches holds, without the build's buffers)."""
    pid = os.getpid()
    rss: dict[str, int] = {"start": rss_kib(pid)}
    t0 = time.perf_counter()
    items = catalogue(n, stores)
    mix = queries(items, n_queries)
    labels = labelled(items)
    result: dict[str, Any] = {"generate_s": time.perf_counter() - t0}
    rss["with_data"] = rss_kib(pid)
    engine = open_engine(kind, work, create=phase == "build")
    result["engine"] = engine.name
    if phase == "build":
        t0 = time.perf_counter()
        result["build"] = engine.build(items)
        result["build"]["total_s"] = time.perf_counter() - t0
        rss["built"] = rss_kib(pid)
        result["size_bytes"] = engine.size_bytes()
    else:
        engine.search(mix[0][1])
        rss["opened"] = rss_kib(pid)
        result["quality"] = quality(engine, labels)
        for _, q in mix[:40]:
            engine.search(q)
        result["queries"] = timed_pass(engine, mix)
        result["page_only"] = timed_pass(engine, mix, facets=False)
        result["page_only"].pop("totals")
        rss["after_queries"] = rss_kib(pid)
        result["freshness"] = freshness(engine, items)
        rss["end"] = rss_kib(pid)
    engine.close()
    result["rss_kib"] = rss
    (work / f"{phase}.json").write_text(json.dumps(result))


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    try:
        out["tantivy"] = importlib.metadata.version("tantivy")
    except importlib.metadata.PackageNotFoundError:
        out["tantivy"] = "not installed (pip install -e '.[bench]')"
    return out


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def compare(results: dict[str, Any], mix: list[tuple[str, str]]) -> dict[str, Any]:
    """How often each engine's match count equals the LIKE scan's (kinds without typos: there
    the rules are the same and LIKE is exact)."""
    base = results.get("like", {}).get("queries", {}).get("totals")
    out: dict[str, Any] = {}
    for kind, r in results.items():
        totals = r["queries"].pop("totals")
        if base is None or kind == "like":
            continue
        same = [a == b for (k, _), a, b in zip(mix, totals, base, strict=True) if "typo" not in k]
        more = [a >= b for (k, _), a, b in zip(mix, totals, base, strict=True) if "typo" in k]
        differ = [f"{q!r}: {a} vs {b}" for (k, q), a, b in zip(mix, totals, base, strict=True)
                  if "typo" not in k and a != b]  # fmt: skip
        out[kind] = {"same_count_as_like_no_typo": f"{sum(same)}/{len(same)}",
                     "at_least_like_with_typos": f"{sum(more)}/{len(more)}",
                     "differ": differ[:10]}  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--products", type=int, default=200_000)
    ap.add_argument("--stores", type=int, default=500)
    ap.add_argument("--queries", type=int, default=364)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--child", choices=ENGINES)
    ap.add_argument("--phase", choices=["build", "serve"])
    ap.add_argument("--work", type=Path)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.phase, a.products, a.stores, a.queries, a.work)
        return
    run: dict[str, Any] = {"machine": machine(), "versions": versions(), "uptime_before": uptime(),
                           "products": a.products, "stores": a.stores, "queries": a.queries,
                           "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}  # fmt: skip
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        if "pg" in a.engines.split(","):  # PostgreSQL 15 from the tests' helper, fsync off
            from tests.helpers.services import postgres_server

            os.environ["CARTSTART_BENCH_PG"] = stack.enter_context(postgres_server())
        for kind in a.engines.split(","):
            work = Path(tmp) / kind
            work.mkdir()
            results[kind] = {}
            for phase in ("build", "serve"):
                print(f"{kind} {phase}: load {loadavg()}", file=sys.stderr, flush=True)
                subprocess.run(
                    [PYTHON, "-m", "bench.search_engines", "--child", kind, "--phase", phase,
                     "--products", str(a.products), "--stores", str(a.stores),
                     "--queries", str(a.queries), "--work", str(work)],
                    check=True, cwd=ROOT,
                )  # fmt: skip
                part = json.loads((work / f"{phase}.json").read_text())
                rss = {
                    **results[kind].get("rss_kib", {}),
                    **{f"{phase}_{k}": v for k, v in part.pop("rss_kib").items()},
                }
                results[kind].update(part, rss_kib=rss)
            results[kind]["load_after"] = loadavg()
    run["uptime_after"] = uptime()
    mix = queries(catalogue(a.products, a.stores), a.queries)
    run["agreement"] = compare(results, mix)
    if "like" in results:
        base = results["like"]["queries"]["wall"]
        for r in results.values():
            w = r["queries"]["wall"]
            r["queries"]["vs_like"] = {
                "p50": base["p50_ms"] / w["p50_ms"],
                "p99": base["p99_ms"] / w["p99_ms"],
            }
    run["engines"] = results
    text = json.dumps(run, indent=1)
    print(text)
    dest = ROOT / "bench" / "results"
    dest.mkdir(exist_ok=True)
    (dest / f"search_engines-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(text)


if __name__ == "__main__":
    main()
