"""Searches while the hub rebuilds its marketplace index (new exchange rates or a tree import
rebuild it, services/market.py), on a data directory bench/search_hub.py kept (`--keep DIR`).

    .venv/bin/python -m bench.search_hub --keep /tmp/sh           # once: load 200,000 products
    .venv/bin/python -m bench.search_hub_rebuild /tmp/sh/hub [--profile out.txt]

The hub starts on it; a thread searches the query mix without pause (one at a time) while the
admin API sets a new dated set of rates (`PUT /api/admin/market/rates`, which answers once this
node has rebuilt). Prints the answer's time and the searches' latency before, during and after.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx

from bench.harness import PYTHON, rss_kib, start_hub
from bench.search_data import catalogue, queries
from bench.search_hub_measure import SEARCH, stats


def admin_token(data: Path) -> str:
    out = subprocess.run(
        [PYTHON, "-m", "cartstart_server.cli", "admin", "token", "--data-dir", str(data)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return out.split("token:")[1].split()[0]


def searching(
    url: str, mix: list[str], stop: threading.Event, out: list[tuple[float, float]]
) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        i = 0
        while not stop.is_set():
            t = time.perf_counter()
            http.get(SEARCH, params={"q": mix[i % len(mix)], "lang": "en"}).raise_for_status()
            out.append((t, time.perf_counter() - t))
            i += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "data", type=Path, help="the hub's data directory (search_hub --keep DIR: DIR/hub)"
    )
    ap.add_argument("--products", type=int, default=200_000, help="as loaded (for the query mix)")
    ap.add_argument(
        "--profile", type=Path, default=None, help="py-spy raw output, during the rebuild"
    )
    a = ap.parse_args()
    token = admin_token(a.data)
    mix = [q for _, q in queries(catalogue(a.products, 500), 364)]
    hub = start_hub(a.data)
    rec: list[tuple[float, float]] = []
    stop = threading.Event()
    thread = threading.Thread(target=searching, args=(hub.http_url, mix, stop, rec))
    try:
        thread.start()
        time.sleep(3)
        spy = None
        if a.profile is not None:
            spy = subprocess.Popen(
                [str(Path(PYTHON).parent / "py-spy"), "record", "--pid", str(hub.pid), "--rate",
                 "100", "--threads", "--output", str(a.profile), "--format", "raw"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(1)
        doc = {"base": "EUR", "date": time.strftime("%Y-%m-%d"), "rates": {"RSD": "117.3"}}
        t0 = time.perf_counter()
        with httpx.Client(base_url=hub.http_url, timeout=300) as http:
            r = http.put("/api/admin/market/rates", json=doc,
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            r.raise_for_status()
        answered = time.perf_counter() - t0
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        time.sleep(3)
        stop.set()
        thread.join()
        rss = rss_kib(hub.pid)
    finally:
        stop.set()
        hub.stop()
    phases = {
        "before": [d for t, d in rec if t < t0],
        "during the rebuild": [d for t, d in rec if t0 <= t < t0 + answered],
        "after": [d for t, d in rec if t >= t0 + answered],
    }
    result = {"rates_put_answered_s": answered, "rss_kib_after": rss,
              **{k: stats(v) for k, v in phases.items()}}  # fmt: skip
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
