"""The load generator: holds many WebSocket clients in ONE separate process, and records when
each message arrives (CLOCK_MONOTONIC, shared by every process on the machine).

    python bench/clients.py --kind hub|bare|socketio --url URL --n N [--carts TOKENS_FILE]
        [--product STORE:PRODUCT] --out FILE

It prints "ready <n>" once every client is connected (and, for the hub, subscribed), then
records until stdin closes, and writes {version: [arrival times]} to FILE, plus its own CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections import defaultdict
from typing import Any

from websockets.asyncio.client import connect

arrivals: dict[int, list[float]] = defaultdict(list)


async def hub_page(url: str, ref: dict[str, str]) -> Any:
    ws = await connect(url, compression=None, open_timeout=60, max_queue=None)
    await ws.send(json.dumps({"type": "hello", "versions": [1]}))
    json.loads(await ws.recv())  # welcome
    await ws.send(json.dumps({"type": "subscribe", "products": [ref]}))
    json.loads(await ws.recv())  # availability_snapshot
    return ws


async def hub_cart(url: str, token: str) -> Any:
    ws = await connect(url, compression=None, open_timeout=60, max_queue=None)
    await ws.send(json.dumps({"type": "hello", "versions": [1], "token": token}))
    json.loads(await ws.recv())  # welcome
    json.loads(await ws.recv())  # snapshot
    return ws


async def bare_client(url: str) -> Any:
    return await connect(url, compression=None, open_timeout=60, max_queue=None)


async def listen(ws: Any) -> None:
    # As little work per message as possible (no JSON decoding): this process must not be the
    # bottleneck it measures.
    async for raw in ws:
        t = time.monotonic()
        i = raw.rfind('"version":')
        if i >= 0:
            arrivals[int(raw[i + 10 :].split(",", 1)[0].rstrip("} "))].append(t)


async def socketio_clients(url: str, n: int) -> list[Any]:
    import socketio

    clients = []
    for _ in range(n):
        client = socketio.AsyncClient(reconnection=False)

        @client.on("availability")
        async def on_availability(data: dict[str, Any]) -> None:
            arrivals[int(data["version"])].append(time.monotonic())

        await client.connect(url, transports=["websocket"])
        clients.append(client)
    return clients


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["hub", "bare", "socketio"], required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--carts", default=None, help="file with one session token per line")
    parser.add_argument("--product", default=None)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tasks = []
    conns: list[Any] = []
    if args.kind == "socketio":
        conns = await socketio_clients(args.url, args.n)
    else:
        sem = asyncio.Semaphore(200)

        async def open_one(i: int) -> Any:
            async with sem:
                if args.kind == "bare":
                    return await bare_client(args.url)
                store, product = args.product.split(":")
                return await hub_page(args.url, {"store_id": store, "product_id": product})

        conns = list(await asyncio.gather(*(open_one(i) for i in range(args.n))))
        if args.carts:
            with open(args.carts, encoding="ascii") as fh:
                tokens = fh.read().split()
            cart_url = args.url.replace("/ws/page", "/ws/cart")
            conns += list(await asyncio.gather(*(hub_cart(cart_url, t) for t in tokens)))
        tasks = [asyncio.create_task(listen(ws)) for ws in conns]
    print(f"ready {len(conns)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until closed
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(args.out, "w", encoding="ascii") as fh:
        json.dump({"arrivals": arrivals, "cpu_s": usage.ru_utime + usage.ru_stime}, fh)
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
