"""What every benchmark needs: a hub in its own process, the machine, /proc figures, percentiles.

The hub under test and the load generators always run in separate processes, so the figures
measured for the hub (CPU from /proc/<pid>/stat, RSS) are the hub's own.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

TICKS = os.sysconf("SC_CLK_TCK")
PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_busy_seconds() -> float:
    """CPU time all cores have spent busy so far (from /proc/stat): to tell a saturated machine."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / TICKS


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": pct(values, 50) * 1000,
        "p99_ms": pct(values, 99) * 1000,
        "mean_ms": statistics.fmean(values) * 1000 if values else float("nan"),
    }


@dataclass
class HubProc:
    proc: subprocess.Popen[str]
    http_url: str
    ws_url: str

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_hub(data_dir: Path, module: str = "cartstart_server.cli", **settings: Any) -> HubProc:
    """`cartstart-server serve` in its own process (settings as CARTSTART_* variables); `module`
    names another entry point taking the same arguments (bench/live_hub.py)."""
    env = dict(os.environ)
    env.update(
        {
            "CARTSTART_LOG_LEVEL": "WARNING",
            "CARTSTART_SCRYPT_N": "1024",
            "CARTSTART_RATE_PER_SECOND": "100000",
            "CARTSTART_RATE_BURST": "100000",
        }
    )
    env.update({f"CARTSTART_{k.upper()}": str(v) for k, v in settings.items()})
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [PYTHON, "-m", module, "serve", "--data-dir", str(data_dir),
         "--port", "0", "--ws-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=open(data_dir / "hub.log", "a"),  # the child keeps it open
        text=True,
        env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    ready = json.loads(proc.stdout.readline())
    return HubProc(proc, ready["http_url"], ready["ws_url"])


async def create_store(hub: HubProc, data_dir: Path, products: dict[str, int]) -> tuple[str, str]:
    """A store with these products and stock, through the CLI and the store API."""
    out = subprocess.run(
        [PYTHON, "-m", "cartstart_server.cli", "store", "add", "Bench", "--data-dir",
         str(data_dir), "--ttl", "3600"],
        check=True, capture_output=True, text=True, env={**os.environ, **_db_env()},
    ).stdout  # fmt: skip
    store_id = out.split("store id:")[1].split()[0]
    key = out.split("api key:")[1].split()[0]
    auth = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=hub.http_url, timeout=30) as http:
        items = [
            {"id": pid, "name": pid, "price": {"amount": 100, "currency": "EUR"}}
            for pid in products
        ]
        for i in range(0, len(items), 1000):
            r = await http.post(
                f"/api/stores/{store_id}/products", json={"products": items[i : i + 1000]},
                headers=auth,
            )  # fmt: skip
            r.raise_for_status()
        await asyncio.gather(
            *(
                http.put(f"/api/stores/{store_id}/products/{pid}/stock",
                         json={"on_hand": n}, headers=auth)
                for pid, n in products.items()
            )
        )  # fmt: skip
    return store_id, key


def _db_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("CARTSTART_DATABASE")}


async def sign_up_many(hub: HubProc, n: int, prefix: str = "b") -> list[str]:
    """`n` shoppers' session tokens."""
    async with httpx.AsyncClient(base_url=hub.http_url, timeout=60) as http:
        sem = asyncio.Semaphore(32)

        async def one(i: int) -> str:
            async with sem:
                email = f"{prefix}{i}@bench.invalid"
                await http.post("/api/accounts", json={"email": email, "password": "benchmark!"})
                r = await http.post(
                    "/api/sessions", json={"email": email, "password": "benchmark!"}
                )
                r.raise_for_status()
                token: str = r.json()["token"]
                return token

        return list(await asyncio.gather(*(one(i) for i in range(n))))
