"""Benchmark: sending a marketplace solution with lines from 10 firms (issue 17, "Speed").

One send is ONE transaction: a request per firm with only its lines, every firm's email (its
contact address and the agent handling those products) and the buyer's confirmation queued, a
`request_received` event on each firm's stream; as an order also 10 checkouts (held, bought, one
order per firm). This measures that transaction end to end through the service (the HTTP layer
adds its own small constant), on SQLite (durable, WAL, the default) or PostgreSQL.

    python -m bench.solution_send [--sends 50] [--lines-per-firm 2] [--database-url postgresql://…]

Prints one JSON line: per kind (quote, order) the p50/p99/mean milliseconds per send and the
emails queued per send.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import machine
from cartstart_server.clock import SystemClock
from cartstart_server.config import HubConfig
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from cartstart_server.storage.sql import Plan, Stmt, one
from shared_protocol.common import Price
from shared_protocol.solutions import ContactIn, SolutionIn, SolutionLineIn
from shared_protocol.store import ProductIn, SetStock, UpdateSettings, UpsertProducts

FIRMS = 10


async def setup(hub: Hub, lines_per_firm: int) -> list[SolutionLineIn]:
    lines: list[SolutionLineIn] = []
    n = 0
    for f in range(FIRMS):
        store_id, _ = await hub.stores.create(f"Firm {f}", default_ttl=600, renewal_limit=2)
        products = [
            ProductIn(id=f"p{i}", name=f"Product {f}-{i}", code=f"F{f}P{i}",
                      price=Price(amount=1000 + i, currency="EUR"))
            for i in range(lines_per_firm)
        ]  # fmt: skip
        await hub.stores.command(
            store_id, UpsertProducts(id=f"bench-up-{f:04d}", products=products)
        )
        for p in products:
            n += 1
            await hub.stores.command(
                store_id, SetStock(id=f"bench-st-{n:06d}", product_id=p.id, on_hand=10_000_000)
            )
            lines.append(SolutionLineIn(store_id=store_id, product_id=p.id, qty=1, note="bench"))
        settings = UpdateSettings(id=f"bench-se-{f:04d}", contact_email=f"firm{f}@bench.example")
        await hub.stores.command(store_id, settings)
        agent = await hub.agents.add(store_id, f"agent{f}@bench.example", f"Agent {f}", "agent")
        await hub.db.write(_handles(store_id, agent.agent.agent_id, [p.id for p in products]))
    return lines


def _handles(store_id: str, agent_id: str, product_ids: list[str]) -> Plan[None]:
    from cartstart_server.storage.agent_products import set_products

    yield from set_products(store_id, agent_id, product_ids)


def _mail_count() -> Plan[int]:
    row = one((yield Stmt("SELECT COUNT(*) AS n FROM mail_queue")))
    assert row is not None
    return int(row["n"])


async def run(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    values: dict[str, Any] = {"data_dir": data_dir, "port": 0, "log_format": "text"}
    if args.database_url:
        values["database_url"] = args.database_url
        values["single_node"] = True  # one process, no fan-out measured
    config = HubConfig(**values)
    hub = Hub(database_for(config), broker_for(config), SystemClock(), config)
    await hub.start(background=False)  # no mail dispatcher: the queue is what is measured
    try:
        lines = await setup(hub, args.lines_per_firm)
        contact = ContactIn(name="Bench Buyer", email="buyer@bench.example")
        results: dict[str, Any] = {}
        for kind in ("quote", "order"):
            times: list[float] = []
            mails_before = await hub.db.read(_mail_count())
            for i in range(args.sends):
                created = await hub.solutions.create(
                    SolutionIn(name=f"{kind} {i}", lines=lines), None, "en"
                )
                t0 = time.perf_counter()
                key = f"bench-{kind}-{i:06d}"  # a client address each: no per-address limit
                sent = await hub.solutions.send(
                    created.id, created.secret, None, kind, contact, "en", key, client=key
                )
                times.append((time.perf_counter() - t0) * 1000)
                assert len(sent) == FIRMS
            mails = (await hub.db.read(_mail_count())) - mails_before
            times.sort()
            results[kind] = {
                "sends": args.sends,
                "p50_ms": round(statistics.median(times), 2),
                "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
                "mean_ms": round(statistics.fmean(times), 2),
                "emails_per_send": mails / args.sends,
            }
        return results
    finally:
        await hub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=50)
    parser.add_argument("--lines-per-firm", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; default SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(run(args, Path(tmp)))
    engine = "postgresql" if args.database_url else "sqlite"
    print(json.dumps({"machine": machine(), "engine": engine, "firms": FIRMS,
                      "lines": FIRMS * args.lines_per_firm, **results}))  # fmt: skip


if __name__ == "__main__":
    main()
