"""Benchmarks 3, 4 (end to end) and 5, through the protocol, against a hub in its own process.
The clients run in one separate process (`--client`), whose CPU time is reported too.

    python -m bench.e2e [--carts 1000] [--seconds 10]

3. add to cart at a fixed 200/s: page command -> ticket -> the cart's message, p50/p99;
4. reservations through /ws/cart from 1,000 concurrent carts, per second; and 1,000 carts racing
   for one last unit (oversell must be 0);
5. the same messages delivered by HTTP long-polling and by WebSocket, p50/p99 of each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench.harness import (
    PYTHON,
    cpu_seconds,
    create_store,
    machine,
    sign_up_many,
    start_hub,
    summary,
)

# ---- client side (a separate process) ---------------------------------------------------------


async def cart_ws(url: str, token: str) -> Any:
    ws = await connect(f"{url}/ws/cart", compression=None, open_timeout=60, max_queue=None)
    await ws.send(json.dumps({"type": "hello", "versions": [1], "token": token}))
    await ws.recv()  # welcome
    await ws.recv()  # snapshot
    return ws


async def reserve_loop(ws: Any, store: str, seconds: float, counts: list[int]) -> None:
    stop = time.monotonic() + seconds
    n = 0
    while time.monotonic() < stop:
        n += 1
        cid = f"r{id(ws)}-{n:08d}"
        await ws.send(json.dumps({"type": "reserve", "id": cid, "store_id": store,
                                  "product_id": f"p{random.randrange(1000)}"}))  # fmt: skip
        marker = f'"id":"{cid}"'
        while True:
            frame = await ws.recv()
            if marker in frame:  # decode the reply only: events and counts are just counted
                counts[0 if json.loads(frame)["type"] == "result" else 1] += 1
                break
            counts[2] += 1  # the cart's event for it, and counts of the products it holds


async def throughput(hub: str, tokens: list[str], store: str, seconds: float) -> dict[str, Any]:
    sem = asyncio.Semaphore(100)

    async def open_one(t: str) -> Any:
        async with sem:
            return await cart_ws(hub, t)

    conns = await asyncio.gather(*(open_one(t) for t in tokens))
    counts = [0, 0, 0]
    t0 = time.monotonic()
    await asyncio.gather(*(reserve_loop(ws, store, seconds, counts) for ws in conns))
    elapsed = time.monotonic() - t0
    for ws in conns:
        await ws.close()
    return {"ok": counts[0], "errors": counts[1], "per_second": counts[0] / elapsed,
            "other_frames_per_reservation": counts[2] / max(counts[0], 1)}  # fmt: skip


async def contention(hub: str, tokens: list[str], store: str) -> dict[str, Any]:
    conns = await asyncio.gather(*(cart_ws(hub, t) for t in tokens))

    async def one(ws: Any, i: int) -> bool:
        await ws.send(json.dumps({"type": "reserve", "id": f"last-{i:06d}", "store_id": store,
                                  "product_id": "last-unit"}))  # fmt: skip
        while True:
            reply = json.loads(await ws.recv())
            if reply.get("id") == f"last-{i:06d}":
                return bool(reply["type"] == "result")

    wins = await asyncio.gather(*(one(ws, i) for i, ws in enumerate(conns)))
    for ws in conns:
        await ws.close()
    return {"carts": len(tokens), "held": sum(wins)}


async def add_rate(hub: str, pairs: list[tuple[str, str]], store: str, rate: float,
                   seconds: float) -> dict[str, Any]:  # fmt: skip
    """Pages add at `rate` per second in total; each cart records when its message arrives."""
    sent: dict[str, float] = {}
    latencies: list[float] = []
    carts = [await cart_ws(hub, token) for token, _ in pairs]
    pages = []
    for _, link in pairs:
        ws = await connect(f"{hub}/ws/page", compression=None)
        await ws.send(json.dumps({"type": "hello", "versions": [1], "token": link}))
        await ws.recv()
        pages.append(ws)

    arrived: dict[str, float] = {}  # cart messages that came before the page's result

    async def cart_reader(ws: Any) -> None:
        async for raw in ws:
            t = time.monotonic()
            message = json.loads(raw)
            if message["type"] in ("item_added", "quantity_changed"):
                key = message["ticket"]["ticket_id"] + ":" + str(message["ticket"]["qty"])
                if key in sent:
                    latencies.append(t - sent.pop(key))
                else:
                    arrived[key] = t

    async def page_reader(ws: Any) -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "result":
                key = message["ticket_id"] + ":" + str(message["qty"])
                t0 = pending.pop(message["id"])
                if key in arrived:
                    latencies.append(arrived.pop(key) - t0)
                else:
                    sent[key] = t0

    pending: dict[str, float] = {}
    readers = [asyncio.create_task(cart_reader(c)) for c in carts]
    readers += [asyncio.create_task(page_reader(p)) for p in pages]
    interval = 1 / rate
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        target = start + n * interval
        await asyncio.sleep(max(0.0, target - time.monotonic()))
        page = pages[n % len(pages)]
        cid = f"a{n:08d}"
        pending[cid] = time.monotonic()
        await page.send(json.dumps({"type": "add_to_cart", "id": cid, "store_id": store,
                                    "product_id": f"p{n % 1000}"}))  # fmt: skip
        n += 1
    await asyncio.sleep(1)
    for task in readers:
        task.cancel()
    # Latency from the page's send: the result arrives first, then the cart's message.
    return {**summary(latencies), "sent": n, "achieved_rate": n / seconds}


async def polling_vs_ws(hub: str, http_url: str, ws_pair: tuple[str, str],
                        poll_pair: tuple[str, str], store: str, count: int) -> dict[str, Any]:  # fmt: skip
    ws_lat: list[float] = []
    poll_lat: list[float] = []
    cart = await cart_ws(hub, ws_pair[0])
    page = await connect(f"{hub}/ws/page", compression=None)
    await page.send(json.dumps({"type": "hello", "versions": [1], "token": ws_pair[1]}))
    await page.recv()
    page2 = await connect(f"{hub}/ws/page", compression=None)
    await page2.send(json.dumps({"type": "hello", "versions": [1], "token": poll_pair[1]}))
    await page2.recv()
    arrived: dict[str, asyncio.Future[float]] = {}

    async def ws_reader() -> None:
        async for raw in cart:
            t = time.monotonic()
            message = json.loads(raw)
            if message["type"] in ("item_added", "quantity_changed"):
                future = arrived.get(message["ticket"]["product_id"])
                if future is not None and not future.done():
                    future.set_result(t)

    async def poller() -> None:
        after = 0
        auth = {"Authorization": f"Bearer {poll_pair[0]}"}
        async with httpx.AsyncClient(base_url=http_url, timeout=60) as http:
            first = await http.get("/api/cart/events", params={"after": 0}, headers=auth)
            after = first.json().get("head_seq", 0)
            while True:
                r = await http.get("/api/cart/events", params={"after": after, "wait": 25},
                                   headers=auth)  # fmt: skip
                t = time.monotonic()
                body = r.json()
                for message in body.get("messages", []):
                    if message["type"] in ("item_added", "quantity_changed"):
                        future = arrived.get("poll:" + message["ticket"]["product_id"])
                        if future is not None and not future.done():
                            future.set_result(t)
                after = body["head_seq"]

    tasks = [asyncio.create_task(ws_reader()), asyncio.create_task(poller())]
    await asyncio.sleep(0.5)
    loop = asyncio.get_running_loop()
    for i in range(count):
        for which, ws, lat in (("", page, ws_lat), ("poll:", page2, poll_lat)):
            product = f"p{i % 1000}"
            future: asyncio.Future[float] = loop.create_future()
            arrived[which + product] = future
            t0 = time.monotonic()
            await ws.send(json.dumps({"type": "add_to_cart", "id": f"pv{which}{i:06d}x",
                                      "store_id": store, "product_id": product}))  # fmt: skip
            lat.append(await asyncio.wait_for(future, 10) - t0)
            del arrived[which + product]
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    ws_s, poll_s = summary(ws_lat), summary(poll_lat)
    return {"websocket": ws_s, "polling": poll_s,
            "ratio_p50": poll_s["p50_ms"] / ws_s["p50_ms"],
            "ratio_p99": poll_s["p99_ms"] / ws_s["p99_ms"]}  # fmt: skip


async def client_main(spec: dict[str, Any]) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    kind = spec["kind"]
    if kind == "throughput":
        result = await throughput(spec["ws"], spec["tokens"], spec["store"], spec["seconds"])
    elif kind == "contention":
        result = await contention(spec["ws"], spec["tokens"], spec["store"])
    elif kind == "rate":
        pairs = [tuple(p) for p in spec["pairs"]]
        result = await add_rate(spec["ws"], pairs, spec["store"], spec["rate"], spec["seconds"])
    else:
        result = await polling_vs_ws(spec["ws"], spec["http"], tuple(spec["pairs"][0]),
                                     tuple(spec["pairs"][1]), spec["store"], spec["count"])  # fmt: skip
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["loadgen_cpu_s"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(result), flush=True)


def run_client(spec: dict[str, Any], tmp: Path) -> dict[str, Any]:
    path = tmp / "spec.json"
    path.write_text(json.dumps(spec))
    out = subprocess.run(
        [PYTHON, "-m", "bench.e2e", "--client", str(path)], capture_output=True, text=True,
        check=True, timeout=600,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


# ---- orchestrator -------------------------------------------------------------------------


async def links(http_url: str, tokens: list[str]) -> list[str]:
    async with httpx.AsyncClient(base_url=http_url, timeout=30) as http:
        out = []
        for token in tokens:
            r = await http.post("/api/cart/link-tokens", json={},
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            out.append(r.json()["token"])
        return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", default=None)
    parser.add_argument("--carts", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--out", default="bench/results/e2e.json")
    args = parser.parse_args()
    if args.client:
        await client_main(json.loads(Path(args.client).read_text()))
        return
    print(machine())
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        data = tmp / "hub"
        hub = start_hub(data)
        try:
            stock = {f"p{n}": 10_000_000 for n in range(1000)} | {"last-unit": 1}
            store, _ = await create_store(hub, data, stock)
            tokens = await sign_up_many(hub, args.carts)
            spec = {"ws": hub.ws_url, "http": hub.http_url, "store": store}

            cpu0 = cpu_seconds(hub.pid)
            results["contention"] = run_client(
                {**spec, "kind": "contention", "tokens": tokens}, tmp
            )
            results["contention"]["oversold"] = max(0, results["contention"]["held"] - 1)
            print("contention", results["contention"], flush=True)

            cpu0 = cpu_seconds(hub.pid)
            tp = run_client({**spec, "kind": "throughput", "tokens": tokens,
                             "seconds": args.seconds}, tmp)  # fmt: skip
            tp["hub_cpu_s"] = cpu_seconds(hub.pid) - cpu0
            # CPU per reservation: with both processes on two cores, what the rate can be at most.
            tp["hub_cpu_us_per_reservation"] = tp["hub_cpu_s"] / tp["ok"] * 1e6
            tp["loadgen_cpu_us_per_reservation"] = tp["loadgen_cpu_s"] / tp["ok"] * 1e6
            results["throughput"] = tp
            print("throughput", tp, flush=True)

            pair_tokens = tokens[:10]
            pairs = list(zip(pair_tokens, await links(hub.http_url, pair_tokens), strict=True))
            cpu0 = cpu_seconds(hub.pid)
            rate = run_client({**spec, "kind": "rate", "pairs": pairs, "rate": 200,
                               "seconds": args.seconds}, tmp)  # fmt: skip
            rate["hub_cpu_s"] = cpu_seconds(hub.pid) - cpu0
            results["add_to_cart_200"] = rate
            print("add_to_cart_200", {k: v for k, v in rate.items()}, flush=True)

            pv_tokens = tokens[10:12]
            pv_pairs = list(zip(pv_tokens, await links(hub.http_url, pv_tokens), strict=True))
            pv = run_client({**spec, "kind": "polling", "pairs": pv_pairs, "count": 200}, tmp)
            results["polling_vs_ws"] = pv
            print("polling_vs_ws", pv, flush=True)
        finally:
            hub.stop()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    asyncio.run(main())
