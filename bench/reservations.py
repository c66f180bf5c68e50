"""Benchmark 4 (the ledger layer): reservations per second, durable, on SQLite and on PostgreSQL
with one and two hub nodes, against raw sqlite3 doing the same three writes with group commit.

Each node is its own process (bench/ledger.py); PostgreSQL runs on this machine too (started
from the Debian package in a temporary directory, fsync on, as in production).

    python -m bench.reservations [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import PYTHON, machine


def ledger(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", "bench.ledger", *args], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def nodes(count: int, seconds: float, ids: str, database_url: str) -> float:
    command = [PYTHON, "-m", "bench.ledger", "--database-url", database_url, "--ids", ids,
               "--seconds", str(seconds)]  # fmt: skip
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(count)]
    total = 0.0
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        result = json.loads(out.strip().splitlines()[-1])
        total += result["ops"] / result["seconds"]
    return total


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
    with tempfile.TemporaryDirectory() as tmp:
        ids = json.dumps(ledger("--data-dir", tmp, "--setup"))
        r = ledger("--data-dir", tmp, "--ids", ids, "--seconds", seconds)
        results["sqlite_ledger_per_second"] = r["ops"] / r["seconds"]
    print("hub ledger on SQLite (FULL):", round(results["sqlite_ledger_per_second"]))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.helpers.services import postgres_server

    with postgres_server(fsync=True) as dsn:
        ids = json.dumps(ledger("--database-url", dsn, "--setup"))
        results["postgres_1_node_per_second"] = nodes(1, args.seconds, ids, dsn)
        results["postgres_2_nodes_per_second"] = nodes(2, args.seconds, ids, dsn)
    results["postgres_2_over_1"] = (
        results["postgres_2_nodes_per_second"] / results["postgres_1_node_per_second"]
    )
    print("hub ledger on PostgreSQL, 1 node:", round(results["postgres_1_node_per_second"]))
    print("hub ledger on PostgreSQL, 2 nodes:", round(results["postgres_2_nodes_per_second"]),
          f"({results['postgres_2_over_1']:.2f}x)")  # fmt: skip
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
