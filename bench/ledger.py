"""The ledger layer alone: a Hub without transports, reserving as fast as concurrent callers can.

    python -m bench.ledger [--database-url URL] [--seconds 10] [--workers 200] [--setup]

With --setup it creates the shoppers and products and prints their ids as JSON; without, it
runs against a prepared database and prints {"ops": n, "seconds": s}. Run as several processes
on one PostgreSQL database to measure several nodes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from cartstart_server.clock import SystemClock
from cartstart_server.config import HubConfig
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from cartstart_server.services.identity import Shopper
from shared_protocol.cart import Reserve
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, SetStock, UpsertProducts

PRODUCTS = 1000


def config(data_dir: Path, database_url: str | None) -> HubConfig:
    # Each process measures the ledger alone (no fan-out between them): no Redis needed.
    return HubConfig(
        data_dir=data_dir, port=0, scrypt_n=2**10, database_url=database_url, single_node=True
    )


async def setup(hub: Hub, carts: int, stores: int, products: int = PRODUCTS) -> dict[str, object]:
    """`stores` stores sharing `products` products between them, each with plenty of stock."""
    store_ids = []
    per_store = products // stores
    for s in range(stores):
        store_id, _ = await hub.stores.create(f"Bench {s}", default_ttl=3600)
        store_ids.append(store_id)
        catalogue = [
            ProductIn(id=f"p{n}", name=f"p{n}", price=Price(amount=100, currency="EUR"))
            for n in range(per_store)
        ]
        await hub.stores.command(store_id, UpsertProducts(id="bench-upsert-1", products=catalogue))
        for n in range(per_store):
            await hub.stores.command(
                store_id,
                SetStock(id=f"bench-stock-{n:05d}", product_id=f"p{n}", on_hand=10_000_000),
            )
    cart_ids = []
    for n in range(carts):
        await hub.identity.sign_up(f"l{n}@bench.invalid", "benchmark!")
        session = await hub.identity.log_in(f"l{n}@bench.invalid", "benchmark!")
        cart_ids.append((await hub.identity.authenticate_shopper(session.token)).cart_id)
    return {"stores": store_ids, "products_per_store": per_store, "carts": cart_ids}


async def run(
    hub: Hub, stores: list[str], per_store: int, carts: list[str], seconds: float, workers: int
) -> int:
    done = 0
    stop = time.monotonic() + seconds
    rng = random.Random()

    async def worker(w: int) -> None:
        nonlocal done
        n = 0
        while time.monotonic() < stop:
            shopper = Shopper(cart_id=carts[rng.randrange(len(carts))], token_id="bench")
            await hub.carts.command(
                shopper,
                Reserve(id=f"w{w}-{n:08d}-{rng.random():.12f}",
                        store_id=stores[rng.randrange(len(stores))],
                        product_id=f"p{rng.randrange(per_store)}"),
            )  # fmt: skip
            n += 1
            done += 1

    await asyncio.gather(*(worker(w) for w in range(workers)))
    return done


def raw_sqlite_baseline(seconds: float, batch: int = 50) -> float:
    """The same three writes per reservation (conditional UPDATE, ticket INSERT, outbox INSERT)
    in plain sqlite3, WAL, synchronous=FULL, `batch` reservations per commit."""
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "raw.sqlite3", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE p (id TEXT PRIMARY KEY, on_hand INT, held INT)")
        conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, p TEXT, qty INT, at REAL)")
        conn.execute("CREATE TABLE o (owner TEXT, seq INT, frame TEXT, PRIMARY KEY (owner, seq))")
        conn.executemany(
            "INSERT INTO p VALUES (?, 10000000, 0)", [(f"p{n}",) for n in range(PRODUCTS)]
        )
        done, seq = 0, 0
        stop = time.monotonic() + seconds
        start = time.monotonic()
        while time.monotonic() < stop:
            conn.execute("BEGIN")
            for _ in range(batch):
                pid = f"p{random.randrange(PRODUCTS)}"
                conn.execute(
                    "UPDATE p SET held = held + 1 WHERE id = ? AND on_hand - held >= 1", (pid,)
                )
                seq += 1
                conn.execute("INSERT INTO t VALUES (?, ?, 1, ?)", (f"t{seq}", pid, time.time()))
                conn.execute(
                    "INSERT INTO o VALUES ('cart', ?, ?)", (seq, '{"type":"item_added"}' * 8)
                )
            conn.execute("COMMIT")
            done += batch
        return done / (time.monotonic() - start)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--carts", type=int, default=1000)
    parser.add_argument("--stores", type=int, default=1)
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--ids", default=None, help="JSON from --setup")
    parser.add_argument("--raw", action="store_true", help="the raw sqlite3 baseline only")
    args = parser.parse_args()
    if args.raw:
        print(json.dumps({"raw_per_second": raw_sqlite_baseline(args.seconds)}))
        return
    data_dir = Path(args.data_dir or tempfile.mkdtemp())
    cfg = config(data_dir, args.database_url)
    hub = Hub(database_for(cfg), broker_for(cfg), SystemClock(), cfg)
    await hub.start(background=False)
    try:
        if args.setup:
            print(json.dumps(await setup(hub, args.carts, args.stores)))
            return
        ids = json.loads(args.ids)
        t0 = time.monotonic()
        ops = await run(
            hub, ids["stores"], ids["products_per_store"], ids["carts"], args.seconds, args.workers
        )
        print(json.dumps({"ops": ops, "seconds": time.monotonic() - t0}))
    finally:
        await hub.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    asyncio.run(main())
