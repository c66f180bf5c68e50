"""The hub's own SQL without the hub around it: the floor for the ledger layer on SQLite.

Records every statement the writer thread runs during a ledger run (bench/ledger.py's workload),
then replays them with plain sqlite3, in the same batches and savepoints, on a copy of the
database taken before the run. The replay is what the reservations cost in SQLite alone; the hub's
rate against it is the price of the Python around the SQL (plans, views, JSON frames, the hop to
the writer thread).

    python -m bench.replay --data-dir DIR --ids JSON [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.ledger import config, run
from cartstart_server.clock import SystemClock
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from cartstart_server.storage import sqlite as sqlite_driver
from cartstart_server.storage.sql import Plan

Statement = tuple[str, tuple[Any, ...]]
Batch = list[list[Statement]]  # the plans of one group commit, each a list of statements


class _Recorder:
    """Stands in for the writer's connection and notes each statement it passes on."""

    def __init__(self, conn: sqlite3.Connection, log: list[Statement]) -> None:
        self.conn = conn
        self.log = log

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        self.log.append((sql, params))
        return self.conn.execute(sql, params)


@contextlib.contextmanager
def recording(batches: list[Batch]) -> Iterator[None]:
    """While inside, the SQLite driver notes its batches and their statements into `batches`."""
    run_batch = sqlite_driver.SqliteDatabase._run_batch
    drive = sqlite_driver.drive

    def recording_batch(self: Any, conn: sqlite3.Connection, batch: list[Any]) -> Any:
        batches.append([])
        return run_batch(self, conn, batch)

    def recording_drive(conn: sqlite3.Connection, plan: Plan[Any], reused: Any = None) -> Any:
        statements: list[Statement] = []
        batches[-1].append(statements)
        return drive(_Recorder(conn, statements), plan, reused)  # type: ignore[arg-type]

    sqlite_driver.SqliteDatabase._run_batch = recording_batch  # type: ignore[method-assign]
    sqlite_driver.drive = recording_drive
    try:
        yield
    finally:
        sqlite_driver.SqliteDatabase._run_batch = run_batch  # type: ignore[method-assign]
        sqlite_driver.drive = drive


def replay(path: Path, batches: list[Batch]) -> float:
    """Run the recorded batches on `path` as the driver would, with nothing around them;
    returns the seconds taken. Checkpoints are left out too (the hub copies most of the WAL from
    another thread), so if anything this rate is higher than the hub's SQL could reach."""
    conn = sqlite_driver.SqliteDatabase(path).connect()
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    start = time.perf_counter()
    for batch in batches:
        conn.execute("BEGIN IMMEDIATE")
        for statements in batch:
            conn.execute("SAVEPOINT plan")
            for sql, params in statements:
                conn.execute(sql, params).fetchall()
            conn.execute("RELEASE plan")
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, help="prepared by bench.ledger --setup")
    parser.add_argument("--ids", required=True)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=1000)
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    cfg = config(data_dir, None)
    copy = data_dir / "replay.sqlite3"
    shutil.copy(cfg.database_path, copy)  # setup closed the database: no WAL to copy
    batches: list[Batch] = []
    with recording(batches):
        hub = Hub(database_for(cfg), broker_for(cfg), SystemClock(), cfg)
        await hub.start(background=False)
        try:
            ids = json.loads(args.ids)
            ops = await run(hub, ids["stores"], ids["products_per_store"], ids["carts"],
                            args.seconds, args.workers)  # fmt: skip
        finally:
            await hub.stop()
    plans = sum(len(b) for b in batches)
    statements = sum(len(p) for b in batches for p in b)
    seconds = replay(copy, batches)
    print(json.dumps({"ops": ops, "plans": plans, "statements_per_plan": statements / plans,
                      "batches": len(batches), "replay_per_second": plans / seconds}))  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    asyncio.run(main())
