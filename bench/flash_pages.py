"""Load generator for bench/flash.py: N storefront pages on /ws/page following one product.

    python -m bench.flash_pages --url WS_URL --n N --product STORE:PRODUCT --v0 V --span S

Commands (bench/flash_io.py): `go` starts the CPU clock; `wait V SECONDS` answers `reached`
once every page shows version >= V (or the time is up); `stop` answers `done` with the figures.

Per page only its latest version and count are kept. What staleness needs is kept per version
(offset from v0): `last[v]`, the moment the LAST page of this process first showed a version >= v,
and `first[v]`, the moment ANY page first did. Arrival times only grow within one process, so
both are plain slice assignments, O(1) Python work per frame however far a frame jumps.
No JSON decoding on the hot path: `available` and `version` are cut out of the raw frame.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import connect

from bench.flash_io import answer, own_cpu, raise_fd_limit, read_command


class Pages:
    def __init__(self, n: int, v0: int, span: int) -> None:
        self.n, self.v0, self.span = n, v0, span
        self.version = [v0] * n
        self.available = [-1] * n
        self.last: list[float | None] = [None] * span
        self.first: list[float | None] = [None] * span
        self.frames = [0] * span  # availability frames received, by version
        self.counts: dict[int, int] = {}  # version -> available, as the frames said
        self.top = v0  # highest version any page here has shown
        self.backwards = 0  # frames older than what the page already showed (must stay 0)
        self.showed_sold = [False] * n
        self.other = 0  # frames that were not availability
        self.target = 1 << 62
        self.behind = 0
        self.reached = asyncio.Event()
        self.closed = 0
        self.alive = [True] * n
        self.close_codes: dict[str, int] = {}

    async def open(self, url: str, store: str, product: str, i: int) -> Any:
        ws = await connect(url, compression=None, open_timeout=120, max_queue=None,
                           ping_interval=None)  # fmt: skip
        await ws.send(json.dumps({"type": "hello", "versions": [1]}))
        await ws.recv()  # welcome
        await ws.send(
            json.dumps(
                {"type": "subscribe", "products": [{"store_id": store, "product_id": product}]}
            )
        )
        snapshot = json.loads(await ws.recv())
        item = snapshot["items"][0]
        self.version[i], self.available[i] = item["version"], item["available"]
        return ws

    async def listen(self, i: int, ws: Any) -> None:
        try:
            async for raw in ws:
                t = time.monotonic()
                j = raw.rfind('"available":')
                if j < 0:
                    self.other += 1
                    continue
                count, rest = raw[j + 12 :].split(",", 1)
                v = int(rest[10:-1])  # rest is '"version":V}'
                off = v - self.v0
                if 0 <= off < self.span:
                    self.frames[off] += 1
                old = self.version[i]
                if v <= old:
                    self.backwards += v < old
                    continue
                available = int(count)
                self.counts.setdefault(v, available)
                self.version[i], self.available[i] = v, available
                lo, hi = max(0, old - self.v0 + 1), min(self.span, off + 1)
                if hi > lo:
                    self.last[lo:hi] = [t] * (hi - lo)
                if v > self.top:
                    lo = max(0, self.top - self.v0 + 1)
                    if hi > lo:
                        self.first[lo:hi] = [t] * (hi - lo)
                    self.top = v
                if available == 0:
                    self.showed_sold[i] = True
                if old < self.target <= v:
                    self.behind -= 1
                    if self.behind == 0:
                        self.reached.set()
        finally:  # the hub closed it (e.g. a keepalive timeout): it cannot catch up any more
            self.closed += 1
            why = f"{ws.close_code} {ws.close_reason or ''}".strip()
            self.close_codes[why] = self.close_codes.get(why, 0) + 1
            self.alive[i] = False
            if self.version[i] < self.target:
                self.behind -= 1
                if self.behind == 0:
                    self.reached.set()

    async def wait(self, target: int, seconds: float) -> dict[str, Any]:
        self.target = target
        self.behind = sum(
            1 for v, o in zip(self.version, self.alive, strict=True) if o and v < target
        )
        self.reached.clear()
        if self.behind:
            try:
                await asyncio.wait_for(self.reached.wait(), seconds)
            except TimeoutError:
                pass
        return {
            "target": target,
            "behind": self.behind,
            "closed": self.closed,
            "t": time.monotonic(),
        }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--product", required=True)
    parser.add_argument("--v0", type=int, required=True)
    parser.add_argument("--span", type=int, required=True)
    args = parser.parse_args()
    raise_fd_limit()
    store, product = args.product.split(":")
    pages = Pages(args.n, args.v0, args.span)
    sem = asyncio.Semaphore(200)

    async def open_one(i: int) -> Any:
        async with sem:
            return await pages.open(args.url, store, product, i)

    conns = list(await asyncio.gather(*(open_one(i) for i in range(args.n))))
    tasks = [asyncio.create_task(pages.listen(i, ws)) for i, ws in enumerate(conns)]
    print(f"ready {len(conns)}", flush=True)
    cpu0 = own_cpu()
    while True:
        command = await read_command()
        if command[0] == "go":
            cpu0 = own_cpu()
        elif command[0] == "wait":
            answer("reached", await pages.wait(int(command[1]), float(command[2])))
        elif command[0] == "stop":
            break
    cpu = own_cpu() - cpu0
    for task in tasks:
        task.cancel()
    final: dict[str, int] = {}
    for v, a in zip(pages.version, pages.available, strict=True):
        final[f"{v}:{a}"] = final.get(f"{v}:{a}", 0) + 1
    answer("done", {
        "pages": args.n, "cpu_s": cpu, "last": pages.last, "first": pages.first,
        "frames": pages.frames, "counts": pages.counts, "backwards": pages.backwards,
        "showed_sold": sum(pages.showed_sold), "other": pages.other, "final": final,
        "closed": pages.closed, "close_codes": pages.close_codes, "min_version": min(
            (v for v, o in zip(pages.version, pages.alive, strict=True) if o), default=args.v0
        ),
    })  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
