"""Load generator for bench/flash.py: shoppers' carts on /ws/cart taking one product.

    python -m bench.flash_carts --url WS_URL --tokens FILE --product STORE:PRODUCT --v0 V --span S

Commands (bench/flash_io.py): `go` starts the CPU clock; `reserve` has every cart reserve one
unit after another, each as soon as the previous answer arrived, until the hub says there is
none left (answers `sold`); `release U` gives back U units in all, whole tickets first, one
command per cart, all at once (answers `released`); `stop` answers `done`.

Only the replies are decoded. Counts the carts hear for what they hold (`availability`) are
counted by version, and the first moment any cart saw each version is kept (evidence that the
version was committed by then, like the replies).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import connect

from bench.flash_io import answer, own_cpu, raise_fd_limit, read_command


class Carts:
    def __init__(self, store: str, product: str, v0: int, span: int) -> None:
        self.store, self.product, self.v0, self.span = store, product, v0, span
        self.pending: dict[str, tuple[Any, asyncio.Future[tuple[float, str]]]] = {}
        self.tickets: dict[int, tuple[str, int]] = {}  # cart -> (ticket id, qty held)
        self.frames = [0] * span  # availability frames the carts received, by version
        self.first: list[float | None] = [None] * span
        self.top = v0
        self.events = 0  # the carts' own stream events (item_added, quantity_changed, ...)
        self.seq = 0
        self.closed = 0  # connections the hub closed
        self.dropped = 0  # commands whose connection closed before the answer

    async def open(self, url: str, token: str) -> Any:
        ws = await connect(url, compression=None, open_timeout=120, max_queue=None,
                           ping_interval=None)  # fmt: skip
        await ws.send(json.dumps({"type": "hello", "versions": [1], "token": token}))
        await ws.recv()  # welcome
        await ws.recv()  # snapshot
        return ws

    async def listen(self, ws: Any) -> None:
        try:
            await self._listen(ws)
        finally:  # the hub closed it (e.g. a keepalive timeout): its commands get no answer
            self.closed += 1
            for cid, (w, future) in list(self.pending.items()):
                if w is ws and not future.done():
                    del self.pending[cid]
                    future.set_exception(ConnectionError("connection closed"))

    async def _listen(self, ws: Any) -> None:
        async for raw in ws:
            t = time.monotonic()
            if raw.startswith('{"type":"availability"'):
                v = int(raw[raw.rfind(":") + 1 : -1])
                off = v - self.v0
                if 0 <= off < self.span:
                    self.frames[off] += 1
                    if v > self.top:
                        lo = max(0, self.top - self.v0 + 1)
                        self.first[lo : off + 1] = [t] * (off + 1 - lo)
                        self.top = v
            elif raw.startswith('{"type":"result"') or raw.startswith('{"type":"error"'):
                reply = json.loads(raw)
                entry = self.pending.pop(reply.get("id") or "", None)
                if entry is not None:
                    entry[1].set_result((t, raw))
            else:
                self.events += 1

    async def command(self, ws: Any, body: dict[str, Any]) -> tuple[float, float, dict[str, Any]]:
        """(sent, answered, reply) of one command."""
        self.seq += 1
        cid = f"f{self.seq:09d}"
        future: asyncio.Future[tuple[float, str]] = asyncio.get_running_loop().create_future()
        sent = time.monotonic()
        self.pending[cid] = (ws, future)
        await ws.send(json.dumps({**body, "id": cid}))
        answered, raw = await asyncio.wait_for(future, 1800)
        return sent, answered, json.loads(raw)

    async def reserve_until_out(self, i: int, ws: Any, log: dict[str, list[Any]]) -> None:
        body = {"type": "reserve", "store_id": self.store, "product_id": self.product}
        while True:
            try:
                sent, answered, reply = await self.command(ws, body)
            except Exception:
                self.dropped += 1
                return
            if reply["type"] == "result":
                self.tickets[i] = (reply["ticket"]["ticket_id"], reply["ticket"]["qty"])
                log["ok"].append(answered)
                log["latency"].append(answered - sent)
                continue
            log["refused"].append(answered)
            if reply["code"] != "insufficient_stock":
                log["errors"].append(reply["code"])
            return

    async def release(self, conns: list[Any], units: int) -> dict[str, Any]:
        plan: list[tuple[int, dict[str, Any]]] = []
        for i, (ticket, qty) in sorted(self.tickets.items()):
            if units <= 0:
                break
            if qty <= units:
                plan.append((i, {"type": "release", "ticket_id": ticket}))
            else:
                plan.append((i, {"type": "set_quantity", "ticket_id": ticket, "qty": qty - units}))
            units -= min(qty, units)
        t0 = time.monotonic()
        got = await asyncio.gather(
            *(self.command(conns[i], body) for i, body in plan), return_exceptions=True
        )
        done = [g for g in got if not isinstance(g, BaseException)]
        self.dropped += len(got) - len(done)
        plan = [p for p, g in zip(plan, got, strict=True) if not isinstance(g, BaseException)]
        for (i, _), (_, _, reply) in zip(plan, done, strict=True):
            if reply["type"] == "result":
                ticket = reply["ticket"]
                self.tickets[i] = (
                    ticket["ticket_id"],
                    ticket["qty"] if ticket["state"] == "held" else 0,
                )
        answered = [a for _, a, reply in done if reply["type"] == "result"]
        errors = [reply["code"] for _, _, reply in done if reply["type"] != "result"]
        return {"t0": t0, "ok": sorted(answered), "errors": errors, "short": units,
                "latency": [a - s for s, a, _ in done]}  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--product", required=True)
    parser.add_argument("--v0", type=int, required=True)
    parser.add_argument("--span", type=int, required=True)
    args = parser.parse_args()
    raise_fd_limit()
    store, product = args.product.split(":")
    carts = Carts(store, product, args.v0, args.span)
    with open(args.tokens, encoding="ascii") as fh:
        tokens = fh.read().split()
    sem = asyncio.Semaphore(100)

    async def open_one(token: str) -> Any:
        async with sem:
            return await carts.open(args.url, token)

    conns = list(await asyncio.gather(*(open_one(t) for t in tokens)))
    tasks = [asyncio.create_task(carts.listen(ws)) for ws in conns]
    print(f"ready {len(conns)}", flush=True)
    cpu0 = own_cpu()
    while True:
        command = await read_command()
        if command[0] == "go":
            cpu0 = own_cpu()
        elif command[0] == "reserve":
            log: dict[str, list[Any]] = {"ok": [], "latency": [], "refused": [], "errors": []}
            t0 = time.monotonic()
            await asyncio.gather(
                *(carts.reserve_until_out(i, ws, log) for i, ws in enumerate(conns))
            )
            answer("sold", {"t0": t0, "ok": sorted(log["ok"]), "latency": log["latency"],
                            "refused": len(log["refused"]), "last_refusal": max(log["refused"]),
                            "errors": log["errors"]})  # fmt: skip
        elif command[0] == "release":
            answer("released", await carts.release(conns, int(command[1])))
        elif command[0] == "stop":
            break
    cpu = own_cpu() - cpu0
    for task in tasks:
        task.cancel()
    answer("done", {"carts": len(conns), "cpu_s": cpu, "frames": carts.frames,
                    "first": carts.first, "events": carts.events,
                    "holding": sum(1 for _, q in carts.tickets.values() if q > 0),
                    "closed": carts.closed, "dropped": carts.dropped})  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
