"""bench/replay.py records the hub's SQL and replays it as the ledger's floor: the recording must
be faithful (the replay rebuilds the same ledger), and a reservation's statement count is what
docs/benchmarks.md reasons from."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from bench.ledger import config, run, setup
from bench.replay import Batch, recording, replay
from cartstart_server.clock import SystemClock
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for


async def started_hub(data_dir: Path) -> Hub:
    cfg = config(data_dir, None)
    hub = Hub(database_for(cfg), broker_for(cfg), SystemClock(), cfg)
    await hub.start(background=False)
    return hub


def ledger_state(path: Path) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return [
            conn.execute(sql).fetchall()
            for sql in (
                "SELECT product_id, held, stock_version FROM products ORDER BY product_id",
                "SELECT id, cart_id, product_id, qty, version FROM tickets ORDER BY id",
                "SELECT owner, seq, frame FROM outbox ORDER BY owner, seq",
                "SELECT owner, head_seq FROM streams ORDER BY owner",
                "SELECT principal, key, response FROM idempotency ORDER BY principal, key",
            )
        ]
    finally:
        conn.close()


async def test_replay_rebuilds_the_ledger_from_six_or_seven_statements_a_reservation(
    tmp_path: Path,
) -> None:
    hub = await started_hub(tmp_path)
    try:
        ids: dict[str, Any] = await setup(hub, carts=3, stores=1, products=8)
    finally:
        await hub.stop()
    before = tmp_path / "before.sqlite3"
    shutil.copy(tmp_path / "hub.sqlite3", before)

    batches: list[Batch] = []
    with recording(batches):
        hub = await started_hub(tmp_path)
        try:
            ops = await run(hub, ids["stores"], ids["products_per_store"], ids["carts"], 0.3, 20)
        finally:
            await hub.stop()
    plans = [plan for batch in batches for plan in batch]
    assert ops > 20 and len(plans) == ops
    # 3 carts x 8 products: most reservations grow a held ticket, the first ones create it.
    # Seven statements, six when the store row read earlier in the same group commit is reused.
    assert {len(plan) for plan in plans} <= {6, 7}
    assert all(len(batch[0]) == 7 for batch in batches if batch)  # a commit reads it once
    assert any(len(plan) == 6 for plan in plans)

    assert replay(before, batches) > 0
    assert ledger_state(before) == ledger_state(tmp_path / "hub.sqlite3")
