"""Where the hub's index build goes (services/market.py `start`), step by step, in this process,
on a data directory bench/search_hub.py kept (`--keep DIR`):

    .venv/bin/python -m bench.search_hub_build /tmp/sh/hub

The same calls the hub makes, timed one by one, with this process's RSS after each: the rows
read, the index entries made (`market_views.entry_of`), the tantivy documents made alone
(`market_index._document`, each dropped at once), then the whole `MarketIndex.rebuild` (documents,
adding, commit, merges) into a scratch directory.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import rss_kib
from bench.search_hub_load import config
from cartstart_server.clock import SystemClock
from cartstart_server.domain.market_tree import Tree
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from cartstart_server.services import market_views as views
from cartstart_server.services.market_index import MarketIndex, _document
from cartstart_server.storage import market as store


async def steps(data: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pid = os.getpid()
    cfg = config(data)
    hub = Hub(database_for(cfg), broker_for(cfg), SystemClock(), cfg)
    await hub.start(background=False)
    try:
        out["rss_mb_opened"] = rss_kib(pid) / 1024
        t = time.perf_counter()
        tree = Tree(await hub.db.read(store.tree()))
        rates = await hub.db.read(store.current_rates())
        rows = await hub.db.read(store.all_products())
        out["rows"] = len(rows)
        out["read_s"], out["rss_mb_rows"] = time.perf_counter() - t, rss_kib(pid) / 1024
    finally:
        await hub.stop()
    t = time.perf_counter()
    entries = [views.entry_of(r, tree, rates) for r in rows]
    out["entries_s"], out["rss_mb_entries"] = time.perf_counter() - t, rss_kib(pid) / 1024
    t = time.perf_counter()
    for e in entries:
        _document(e)
    out["documents_alone_s"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as scratch:
        index = MarketIndex(Path(scratch))
        t = time.perf_counter()
        index.rebuild(entries)
        out["rebuild_s"], out["rss_mb_built"] = time.perf_counter() - t, rss_kib(pid) / 1024
        del rows, entries
        gc.collect()
        out["rss_mb_rows_and_entries_dropped"] = rss_kib(pid) / 1024
        index.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "data", type=Path, help="the hub's data directory (search_hub --keep DIR: DIR/hub)"
    )
    a = ap.parse_args()
    print(json.dumps(asyncio.run(steps(a.data)), indent=1))


if __name__ == "__main__":
    main()
