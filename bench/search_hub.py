"""The real hub's marketplace search (issue 17, "Speed"): 200,000 products over 500 stores
(bench/search_data.py's catalogue, mapped into a generated four-level tree), searched through
`GET /api/market/search` of `cartstart-server serve` in its own process.

    .venv/bin/python -m bench.search_hub                        # 200,000 products, 3 rounds
    .venv/bin/python -m bench.search_hub --products 20000 --rounds 2
    .venv/bin/python -m bench.search_hub --profile bench/results/search_hub.svg   # + py-spy

1. The catalogue is loaded into a fresh data directory through the hub's own layers
   (bench/search_hub_load.py: migrations, tree import, rates, stores, `UpsertProducts` in batches
   of 1,000, `SetStock`), so `market_seq`, categories, `listed` and stock are what the store
   API would have left.
2. The hub starts on it (bench/harness.py's `start_hub`; its ready line comes after the index is
   built from the database, services/market.py `start`); the time to ready is compared with an
   empty hub's. Then the index's size on disk (`market-index/`) and the hub's RSS.
3. From this process (the load generator; its CPU is reported): 40 warm-up searches, the
   labelled set (is the product on the first page?), then `--rounds` passes over the query mix
   (1-3 words, prefixes, inner parts, codes, typos), one search at a time.
4. A change searchable: `--changes` times, a product renamed through the store API until a
   search finds it, then deactivated until a search no longer does.
5. The hub stopped, the naive baseline in this process: the LIKE scan of bench/search_sqlite.py
   over the same products and queries.

Prints the JSON and a Markdown table for docs/benchmarks.md; writes both to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.harness import PYTHON, ROOT, cpu_seconds, machine, rss_kib, start_hub
from bench.search_data import catalogue, labelled, queries
from bench.search_hub_load import load
from bench.search_hub_measure import (
    agreement,
    freshness,
    labelled_pass,
    like_baseline,
    query_rounds,
    search,
)
from bench.search_hub_report import markdown


def loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text} (load {loadavg()})", file=sys.stderr, flush=True)


def ready_time(data_dir: Path) -> tuple[float, Any]:
    t0 = time.perf_counter()
    hub = start_hub(data_dir)
    return time.perf_counter() - t0, hub


def indexed(http: httpx.Client) -> int:
    """Listed products the index holds (the tree's industries' counts; every product is
    mapped)."""
    r = http.get("/api/market/tree", params={"lang": "en"})
    r.raise_for_status()
    return sum(int(n["count"]) for n in r.json()["nodes"])


def profiled_round(hub_pid: int, http: httpx.Client, mix: list[tuple[str, str]], out: Path) -> None:
    """One more pass over the mix under py-spy (never in the measured rounds: sampling stops
    the hub 100 times a second)."""
    spy = subprocess.Popen(
        [str(Path(PYTHON).parent / "py-spy"), "record", "--pid", str(hub_pid), "--rate", "100",
         "--threads", "--output", str(out),
         "--format", "flamegraph" if out.suffix == ".svg" else "raw"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1)
    for _, q in mix:
        search(http, q)
    spy.send_signal(signal.SIGINT)
    spy.wait(60)


def measure_hub(a: argparse.Namespace, run: dict[str, Any], tmp: Path) -> dict[str, Any]:
    items = catalogue(a.products, a.stores)
    mix, labels = queries(items, a.queries), labelled(items)
    data = tmp / "hub"
    say(f"loading {len(items):,} products")
    t0 = time.perf_counter()
    loaded = asyncio.run(load(data, items, a.stores))
    out: dict[str, Any] = {"load_s": time.perf_counter() - t0, "load": loaded["timings"]}
    empty_s, empty = ready_time(tmp / "empty")
    empty.stop()
    out["empty_ready_s"] = empty_s
    say("starting the hub")
    out["ready_s"], hub = ready_time(data)
    try:
        rss = {"ready": rss_kib(hub.pid)}
        out["index_bytes"] = du(data / "market-index")
        out["db_bytes"] = sum(du(p) if p.is_dir() else p.stat().st_size
                              for p in data.glob("hub.sqlite3*"))  # fmt: skip
        with httpx.Client(base_url=hub.http_url, timeout=30) as http:
            out["indexed"] = indexed(http)
            for _, q in mix[:40]:
                search(http, q)
            say("labelled set")
            out["labelled"] = labelled_pass(http, labels)
            say(f"{a.rounds} rounds of {len(mix)} searches")
            cpu0 = cpu_seconds(hub.pid)
            out["queries"] = query_rounds(http, mix, a.rounds)
            out["queries"]["hub_cpu_s"] = cpu_seconds(hub.pid) - cpu0
            rss["after_queries"] = rss_kib(hub.pid)
            say(f"{a.changes} changes")
            out["freshness"] = freshness(http, items, loaded["stores"], a.changes)
            rss["end"] = rss_kib(hub.pid)
            if a.profile is not None:
                say(f"profiling one more round into {a.profile}")
                profiled_round(hub.pid, http, mix, a.profile)
        out["rss_kib"] = rss
    finally:
        hub.stop()
    say("the LIKE baseline")
    run["like"] = like_baseline(items, mix, labels, tmp)
    run["agreement"] = agreement(mix, out["queries"].pop("totals"), run["like"].pop("totals"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--products", type=int, default=200_000)
    ap.add_argument("--stores", type=int, default=500)
    ap.add_argument("--queries", type=int, default=364, help="the query mix's size")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the mix")
    ap.add_argument("--changes", type=int, default=50, help="changes timed until searchable")
    ap.add_argument("--profile", type=Path, default=None, help="py-spy output (.svg or .txt)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--keep", type=Path, default=None, help="work here (a new directory), kept")
    a = ap.parse_args()
    run: dict[str, Any] = {
        "machine": machine(), "cores": os.cpu_count(), "products": a.products,
        "stores": a.stores, "queries": a.queries, "rounds": a.rounds,
        "versions": {"tantivy": importlib.metadata.version("tantivy"),
                     "sqlite": sqlite3.sqlite_version},
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "load_before": loadavg(),
    }  # fmt: skip
    cpu0 = time.process_time()
    if a.keep is not None:
        a.keep.mkdir(parents=True)
        run["hub"] = measure_hub(a, run, a.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run["hub"] = measure_hub(a, run, Path(tmp))
    run["load_after"] = loadavg()
    run["bench_process_cpu_s"] = time.process_time() - cpu0
    run["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    text, table = json.dumps(run, indent=1), markdown(run)
    print(text)
    print(table)
    a.out.mkdir(parents=True, exist_ok=True)
    stem = a.out / f"search_hub-{time.strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".json").write_text(text)
    stem.with_suffix(".md").write_text(table)


if __name__ == "__main__":
    main()
