"""Benchmark 1: idle connections one hub process holds, and memory per connection, against a bare
`websockets` server holding the same number (both without per-message deflate).

The hub's connections are cart connections (signed-in shoppers, snapshot sent) and page
connections (each following one product). RSS is read from /proc before and after; clients live
in a separate process.

    python bench/idle.py [--n 19000] [--carts 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.fanout import finish_clients, start_clients, start_peer
from bench.harness import create_store, machine, rss_kib, sign_up_many, start_hub


async def hub_figures(n: int, carts: int, tmp: Path) -> dict[str, float]:
    data = tmp / "hub"
    hub = start_hub(data)
    try:
        store, _ = await create_store(hub, data, {"the-product": 10})
        tokens = await sign_up_many(hub, carts)
        (tmp / "tokens").write_text("\n".join(tokens))
        time.sleep(1)
        before = rss_kib(hub.pid)
        out = tmp / "idle-hub.json"
        t0 = time.monotonic()
        clients = start_clients(
            "hub", f"{hub.ws_url}/ws/page", n - carts, out, f"{store}:the-product", tmp / "tokens"
        )
        opened = time.monotonic() - t0
        time.sleep(2)
        after = rss_kib(hub.pid)
        finish_clients(clients, out)
    finally:
        hub.stop()
    return {"connections": n, "rss_before_mib": before / 1024, "rss_after_mib": after / 1024,
            "kib_per_connection": (after - before) / n, "open_seconds": opened}  # fmt: skip


async def bare_figures(n: int, tmp: Path) -> dict[str, float]:
    server, port = start_peer("bare")
    try:
        time.sleep(1)
        before = rss_kib(server.pid)
        out = tmp / "idle-bare.json"
        clients = start_clients("bare", f"ws://127.0.0.1:{port}/", n, out)
        time.sleep(2)
        after = rss_kib(server.pid)
        finish_clients(clients, out)
    finally:
        server.terminate()
        server.wait(10)
    return {"connections": n, "rss_before_mib": before / 1024, "rss_after_mib": after / 1024,
            "kib_per_connection": (after - before) / n}  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=19000)
    parser.add_argument("--carts", type=int, default=1000)
    parser.add_argument("--out", default="bench/results/idle.json")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmpdir:
        hub = await hub_figures(args.n, args.carts, Path(tmpdir))
        print("hub ", json.dumps(hub), flush=True)
        bare = await bare_figures(args.n, Path(tmpdir))
        print("bare", json.dumps(bare), flush=True)
    ratio = hub["kib_per_connection"] / bare["kib_per_connection"]
    print(f"ratio hub/bare per connection: {ratio:.2f}x (goal <= 1.5x)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"hub": hub, "bare": bare, "ratio": ratio}))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    asyncio.run(main())
