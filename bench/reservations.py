"""Benchmark 4 (the ledger layer): reservations per second, durable, on SQLite and on PostgreSQL
with one and two hub nodes. Baselines in the same run:

- raw sqlite3 doing the issue's three writes (conditional UPDATE, ticket INSERT, outbox INSERT)
  with group commit;
- the hub's own statements replayed by plain sqlite3 (bench/replay.py): the floor for this ledger.

Each node is its own process (bench/ledger.py); PostgreSQL runs on this machine too (started from
the Debian package in a temporary directory, fsync on, as in production). The machine's busy cores
are reported for every PostgreSQL run: with two cores, they say when the machine, not the design,
is the limit.

    python -m bench.reservations [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import PYTHON, machine, machine_busy_seconds


def module(name: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", name, *args], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def ledger(*args: str) -> dict[str, Any]:
    return module("bench.ledger", *args)


def nodes(count: int, seconds: float, ids: str, database_url: str) -> dict[str, float]:
    command = [PYTHON, "-m", "bench.ledger", "--database-url", database_url, "--ids", ids,
               "--seconds", str(seconds)]  # fmt: skip
    busy0, t0 = machine_busy_seconds(), time.monotonic()
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(count)]
    total = 0.0
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        result = json.loads(out.strip().splitlines()[-1])
        total += result["ops"] / result["seconds"]
    busy_cores = (machine_busy_seconds() - busy0) / (time.monotonic() - t0)
    return {"per_second": total, "busy_cores": busy_cores}


def sqlite_runs(seconds: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ids = json.dumps(ledger("--data-dir", tmp, "--setup"))
        r = ledger("--data-dir", tmp, "--ids", ids, "--seconds", seconds)
        results["sqlite_ledger_per_second"] = r["ops"] / r["seconds"]
    print("hub ledger on SQLite (FULL):", round(results["sqlite_ledger_per_second"]), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        ids = json.dumps(ledger("--data-dir", tmp, "--setup"))
        r = module("bench.replay", "--data-dir", tmp, "--ids", ids, "--seconds", seconds)
        results["replay_per_second"] = r["replay_per_second"]
        results["statements_per_reservation"] = r["statements_per_plan"]
    print(f"the hub's statements replayed by sqlite3 ({r['statements_per_plan']:.1f} per "
          f"reservation): {round(results['replay_per_second'])}", flush=True)  # fmt: skip
    return results


def postgres_runs(seconds: float, stores: int) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.helpers.services import postgres_server

    with postgres_server(fsync=True) as dsn:
        ids = json.dumps(ledger("--database-url", dsn, "--setup", "--stores", str(stores)))
        one = nodes(1, seconds, ids, dsn)
        two = nodes(2, seconds, ids, dsn)
    ratio = two["per_second"] / one["per_second"]
    print(f"hub ledger on PostgreSQL, {stores} store(s): 1 node {one['per_second']:.0f}/s "
          f"({one['busy_cores']:.2f} cores busy), 2 nodes {two['per_second']:.0f}/s "
          f"({two['busy_cores']:.2f} cores busy): {ratio:.2f}x", flush=True)  # fmt: skip
    return {"one_node": one, "two_nodes": two, "two_over_one": ratio}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--out", default="bench/results/reservations.json")
    args = parser.parse_args()
    print(machine())
    seconds = str(args.seconds)
    results: dict[str, Any] = {}
    results["raw_sqlite3_per_second"] = ledger("--raw", "--seconds", seconds)["raw_per_second"]
    print("raw sqlite3 (3 writes, 50 per commit, FULL):", round(results["raw_sqlite3_per_second"]))
    results |= sqlite_runs(seconds)
    # One store: every reservation appends to that store's ordered event stream (one hot row).
    # Twenty: the same load spread over stores, as a federation has them.
    results["postgres_1_store"] = postgres_runs(args.seconds, 1)
    results["postgres_20_stores"] = postgres_runs(args.seconds, 20)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
