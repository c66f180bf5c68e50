"""Benchmark 2: one stock change fanned out to 1,000 / 5,000 / 10,000 subscribed pages.

For each size: p50/p99 delivery latency (trigger to arrival, CLOCK_MONOTONIC across processes)
and server CPU per delivered message, for the hub (trigger: a stock adjustment through the store
API, so the figure includes the commit), a bare `websockets` server with `broadcast()`, and
python-socketio. Clients live in one separate process (bench/clients.py).

    python bench/fanout.py [--sizes 1000,5000,10000] [--rounds 20] [--out results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench.harness import PYTHON, cpu_seconds, create_store, machine, start_hub, summary

HERE = Path(__file__).resolve().parent


def start_clients(
    kind: str, url: str, n: int, out: Path, product: str = "", carts: Path | None = None
) -> subprocess.Popen[str]:
    """The load generator, once every client is connected (and subscribed to `product`)."""
    args = [PYTHON, str(HERE / "clients.py"), "--kind", kind, "--url", url, "--n", str(n),
            "--out", str(out)]  # fmt: skip
    if product:
        args += ["--product", product]
    if carts is not None:
        args += ["--carts", str(carts)]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("ready"), line
    return proc


def finish_clients(proc: subprocess.Popen[str], out: Path) -> dict[str, Any]:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(120)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def latencies(arrivals: dict[str, list[float]], sent: dict[int, float]) -> list[float]:
    out: list[float] = []
    for version, t0 in sent.items():
        out += [t - t0 for t in arrivals.get(str(version), [])]
    return out


async def run_hub(n: int, rounds: int, tmp: Path) -> dict[str, Any]:
    data = tmp / f"hub-{n}"
    hub = start_hub(data)
    try:
        store, key = await create_store(hub, data, {"the-product": 1000})
        out = tmp / f"hub-{n}.json"
        clients = start_clients("hub", f"{hub.ws_url}/ws/page", n, out, f"{store}:the-product")
        sent: dict[int, float] = {}
        auth = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=hub.http_url, timeout=60) as http:
            pause = max(0.5, n / 5000)
            cpu0 = cpu_seconds(hub.pid)
            for r in range(rounds):
                t0 = time.monotonic()
                resp = await http.post(
                    f"/api/stores/{store}/products/the-product/stock-adjustments",
                    json={"delta": 1 if r % 2 == 0 else -1},
                    headers={**auth, "Idempotency-Key": f"bench-{n}-{r:04d}-x"},
                )
                sent[resp.json()["stock"]["version"]] = t0
                await asyncio.sleep(pause)
            cpu = cpu_seconds(hub.pid) - cpu0
        got = finish_clients(clients, out)
    finally:
        hub.stop()
    lat = latencies(got["arrivals"], sent)
    return {**summary(lat), "delivered": len(lat), "expected": n * rounds,
            "server_cpu_us_per_msg": cpu / max(1, len(lat)) * 1e6,
            "loadgen_cpu_s": got["cpu_s"], "raw": lat}  # fmt: skip


def start_peer(kind: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [PYTHON, str(HERE / "peers.py"), "--kind", kind], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline().split()[1])
    return proc, port


async def run_peer(kind: str, n: int, rounds: int, tmp: Path) -> dict[str, Any]:
    server, port = start_peer(kind)
    try:
        out = tmp / f"{kind}-{n}.json"
        url = f"ws://127.0.0.1:{port}/" if kind == "bare" else f"http://127.0.0.1:{port}"
        clients = start_clients(kind, url, n, out)
        sent: dict[int, float] = {}
        pause = max(0.5, n / 5000)
        cpu0 = cpu_seconds(server.pid)
        if kind == "bare":
            async with connect(f"ws://127.0.0.1:{port}/control") as control:
                for r in range(rounds):
                    sent[r + 1] = time.monotonic()
                    await control.send(f"go {r + 1}")
                    await asyncio.sleep(pause)
        else:
            async with httpx.AsyncClient(timeout=60) as http:
                for r in range(rounds):
                    sent[r + 1] = time.monotonic()
                    await http.post(f"http://127.0.0.1:{port}/go", params={"v": r + 1})
                    await asyncio.sleep(pause)
        cpu = cpu_seconds(server.pid) - cpu0
        got = finish_clients(clients, out)
    finally:
        server.terminate()
        server.wait(10)
    lat = latencies(got["arrivals"], sent)
    return {**summary(lat), "delivered": len(lat), "expected": n * rounds,
            "server_cpu_us_per_msg": cpu / max(1, len(lat)) * 1e6,
            "loadgen_cpu_s": got["cpu_s"], "raw": lat}  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--kinds", default="hub,bare,socketio")
    parser.add_argument("--out", default="bench/results/fanout.json")
    args = parser.parse_args()
    print(machine())
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for n in map(int, args.sizes.split(",")):
            for kind in args.kinds.split(","):
                if kind == "hub":
                    result = await run_hub(n, args.rounds, tmp)
                else:
                    result = await run_peer(kind, n, args.rounds, tmp)
                results[f"{kind}-{n}"] = result
                shown = {k: round(v, 2) for k, v in result.items() if k != "raw"}
                print(f"{kind:9} {n:6}: {shown}", flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    asyncio.run(main())
