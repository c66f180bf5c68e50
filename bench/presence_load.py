"""Load generators for the live visitor list benchmarks (bench/presence.py), each in its own
process, and the one-off set-up of many stores.

    python bench/presence_load.py visitors --url WS --stores S1,S2 --n N --first I --out FILE
        [--every 15] [--page-every 30] [--kind presence|baseline]
    python bench/presence_load.py desks --url WS --tokens FILE --out FILE
    python bench/presence_load.py setup --data-dir D --stores N --origin ORIGIN

`visitors` opens N page connections (Origin: the shop's), each a visitor of one of the stores
(round robin) that reports `presence` on connect, every `every` seconds, and on a page change
(on average every `page-every` seconds, never closer than the hub's 2 s rule). A page change puts
its send time (CLOCK_MONOTONIC, one clock for every process here) in the new page's URL, so a
desk can tell the latency without joining logs. `--kind baseline` sends the page channel's
cheapest message instead (`unsubscribe` from two products the page does not follow: parsed,
validated and dispatched like `presence`, then nothing) on the same schedule.

`desks` opens one desk per agent token and records, for each page change it hears in
`visitors_changed`, (sent, arrived). Both print "ready <n>" once connected, run until stdin
closes, then write their figures and their own CPU time to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidMessage, InvalidStatus

ORIGIN = "https://shop.example"
MIN_GAP = 2.5  # the hub refuses a second report within 2 s that does not change state (its
# clock: the 0.5 s margin absorbs the scheduling jitter of a loaded machine)

sent_beats: list[float] = []
sent_changes: list[float] = []
errors: list[str] = []
seen: list[tuple[float, float]] = []  # desks: (sent, arrived) of each page change heard
late: list[tuple[float, float]] = []  # the same, heard only through a later beat (refused)
opened = [0]  # visitors connected and welcomed so far
stalls = [0]  # handshakes that failed or waited 30 s for a welcome, and were tried again


async def progress(total: int) -> None:
    """Every 10 s on stderr while connecting: how far, and how many tries failed."""
    while opened[0] < total:
        await asyncio.sleep(10)
        print(f"opened {opened[0]}/{total}, retried {stalls[0]}", file=sys.stderr, flush=True)


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def presence(
    store_id: str, vid: str, url: str, site_since: float, page_since: float, title: str
) -> str:
    return json.dumps(
        {"type": "presence", "store_id": store_id, "visitor_id": vid, "url": url,
         "title": title, "state": "active", "site_since": site_since,
         "page_since": page_since, "tz": "Europe/Lisbon", "lang": "pt-PT"}
    )  # fmt: skip


def baseline(store_id: str, n: int) -> str:
    refs = [{"store_id": store_id, "product_id": f"nothing-{n}-{i}"} for i in range(2)]
    return json.dumps({"type": "unsubscribe", "products": refs})


async def errors_of(ws: Any) -> None:
    async for raw in ws:  # presence has no answer: anything that comes is worth counting
        if '"error"' in raw and len(errors) < 1000:
            errors.append(str(raw)[:300])


async def visitor(
    url: str, store_id: str, n: int, every: float, page_every: float, kind: str
) -> tuple[Any, asyncio.Task[None]]:
    for attempt in range(40):  # a loaded hub drops handshakes it cannot finish in 10 s
        try:
            ws = await connect(url, compression=None, open_timeout=120, max_queue=None,
                               additional_headers={"Origin": ORIGIN})  # fmt: skip
            await ws.send(json.dumps({"type": "hello", "versions": [1]}))
            await asyncio.wait_for(ws.recv(), 30)  # the welcome (a hub that never answers: again)
            break
        except (OSError, InvalidMessage, InvalidStatus, ConnectionClosed, TimeoutError):
            stalls[0] += 1
            if attempt == 39:
                raise
            await asyncio.sleep(1 + 2 * random.random())
    opened[0] += 1
    return ws, asyncio.create_task(visit(ws, store_id, n, every, page_every, kind))


async def visit(ws: Any, store_id: str, n: int, every: float, page_every: float, kind: str) -> None:
    vid = f"b{n:021d}"
    site_since = time.time()
    page, page_since, changes = f"{ORIGIN}/landing", site_since, 0

    def body() -> str:
        if kind == "baseline":
            return baseline(store_id, n)
        return presence(store_id, vid, page, site_since, page_since, "A page of the shop")

    reading = asyncio.create_task(errors_of(ws))
    try:
        await ws.send(body())
        last = time.monotonic()
        next_beat = last + random.uniform(0, every)
        next_change = last + max(MIN_GAP, random.expovariate(1 / page_every))
        while True:
            wake = min(next_beat, next_change)
            await asyncio.sleep(max(0.0, wake - time.monotonic()))
            now = time.monotonic()
            if now < last + MIN_GAP:  # a change right after a beat waits for the 2 s rule
                await asyncio.sleep(last + MIN_GAP - now)
                now = time.monotonic()
            if wake == next_change:
                changes += 1
                page_since = time.time()
                page = f"{ORIGIN}/p/{changes}?t={now:.6f}&w={page_since:.6f}"
                await ws.send(body())
                sent_changes.append(now)
                next_beat = now + every  # a new page reports on load, then every 15 s
                next_change = now + max(MIN_GAP, random.expovariate(1 / page_every))
            else:
                await ws.send(body())
                sent_beats.append(now)
                next_beat += every
            last = now
    finally:
        reading.cancel()


async def run_visitors(args: argparse.Namespace) -> list[Any]:
    stores = args.stores.split(",")
    sem = asyncio.Semaphore(20)  # handshakes in flight: a loaded hub drops slow ones

    async def one(i: int) -> tuple[Any, asyncio.Task[None]]:
        async with sem:
            n = args.first + i
            return await visitor(
                args.url, stores[n % len(stores)], n, args.every, args.page_every, args.kind
            )

    shown = asyncio.create_task(progress(args.n))
    try:
        return list(await asyncio.gather(*(one(i) for i in range(args.n))))
    finally:
        shown.cancel()


async def desk(url: str, token: str) -> tuple[Any, asyncio.Task[None]]:
    ws = await connect(url, compression=None, open_timeout=120, max_queue=None)
    await ws.send(json.dumps({"type": "hello", "versions": [1], "token": token}))
    welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome
    return ws, asyncio.create_task(listen_desk(ws))


async def listen_desk(ws: Any) -> None:
    async def beat() -> None:
        while True:
            await asyncio.sleep(15)
            await ws.send('{"type":"beat"}')

    beating = asyncio.create_task(beat())
    heard: set[str] = set()
    try:
        async for raw in ws:
            arrived = time.monotonic()
            if '"visitors_changed"' not in raw:
                continue
            for change in json.loads(raw)["changes"]:
                view = change.get("visitor")
                url = view["url"] if view else ""
                if "?t=" not in url or url in heard or view["status"] != "active":
                    continue
                heard.add(url)
                sent, wall = (float(v) for v in url.split("?t=", 1)[1].split("&w="))
                # The hub dates a page from the report that brought it: a change it refused
                # (the 2 s rule) is brought by the next beat, 15 s later.
                refused = view["page_since"] - wall > 10
                (late if refused else seen).append((sent, arrived))
    finally:
        beating.cancel()


async def run_desks(args: argparse.Namespace) -> list[Any]:
    with open(args.tokens, encoding="ascii") as fh:
        tokens = fh.read().split()
    return list(await asyncio.gather(*(desk(args.url, t) for t in tokens)))


async def setup(args: argparse.Namespace) -> None:
    """Create `stores` stores with the shop's origin in one process (the CLI's way, batched)."""
    from cartstart_server.broker.memory import MemoryBroker
    from cartstart_server.clock import SystemClock
    from cartstart_server.config import load_config
    from cartstart_server.hub import Hub
    from cartstart_server.server import database_for

    config = load_config(None, overrides={"data_dir": args.data_dir})
    hub = Hub(database_for(config), MemoryBroker(), SystemClock(), config)
    await hub.start(background=False)
    try:
        made = [await hub.stores.create(f"Shop {i}", origins=[ORIGIN]) for i in range(args.stores)]
    finally:
        await hub.stop()
    print(json.dumps([{"store_id": s, "key": k} for s, k in made]))


async def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    vis = sub.add_parser("visitors")
    vis.add_argument("--url", required=True)
    vis.add_argument("--stores", required=True)
    vis.add_argument("--n", type=int, required=True)
    vis.add_argument("--first", type=int, default=0)
    vis.add_argument("--every", type=float, default=15)
    vis.add_argument("--page-every", type=float, default=30)
    vis.add_argument("--kind", choices=["presence", "baseline"], default="presence")
    vis.add_argument("--out", required=True)
    desks = sub.add_parser("desks")
    desks.add_argument("--url", required=True)
    desks.add_argument("--tokens", required=True)
    desks.add_argument("--out", required=True)
    made = sub.add_parser("setup")
    made.add_argument("--data-dir", required=True)
    made.add_argument("--stores", type=int, required=True)
    args = parser.parse_args()
    if args.what == "setup":
        await setup(args)
        return
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    conns = await (run_visitors(args) if args.what == "visitors" else run_desks(args))
    print(f"ready {len(conns)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until closed
    result = {"beats": sent_beats, "changes": sent_changes, "errors": errors, "seen": seen, "late": late,
              "cpu_s": cpu_self()}  # fmt: skip
    with open(args.out, "w", encoding="ascii") as fh:
        json.dump(result, fh)
    for _, task in conns:
        task.cancel()


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    asyncio.run(main())
