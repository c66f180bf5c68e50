"""Benchmark: the live visitor list (issue 16, "Speed and scale"; docs/benchmarks.md section 10).

    python bench/presence.py one   [--visitors 5000] [--agents 5] [--seconds 60]
    python bench/presence.py two   [--visitors 5000] [--agents 5] [--seconds 60]  (PostgreSQL+Redis)
    python bench/presence.py many  [--visitors 19800] [--stores 200] [--seconds 60]

Visitors on a store's pages report `presence` on connect, every 15 s and on page changes (one
every 30 s on average per visitor), from load generator processes of their own
(bench/presence_load.py); agents' desks (another process) record when each page change reaches
them. Measured, after a warm-up, over a window of `seconds`: p50/p99 from a visitor's page change
(its send) to each desk's arrival; hub CPU per report (beat or page change) and RSS per tracked
visitor; the reports the hub took (`cartstart_presence_reports_total` from /metrics) against the
reports sent, per second.

Baseline, measured in the same run: the same hub, the same visitors' connections and desks, the
same schedule, sending the page channel's cheapest message instead of `presence` (see
presence_load.py): what the transport alone costs per message, so the ratio is what presence adds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    PYTHON,
    HubProc,
    cpu_seconds,
    machine,
    machine_busy_seconds,
    pct,
    rss_kib,
    start_hub,
)

LOAD = str(ROOT / "bench" / "presence_load.py")
PASSWORD = "benchmark password!"
WARM_UP = 20.0  # every visitor's first beat is within 15 s of its connect


def make_stores(data: Path, n: int, settings: dict[str, str]) -> list[dict[str, str]]:
    env_extra = {f"CARTSTART_{k.upper()}": v for k, v in settings.items()}
    out = subprocess.run(
        [PYTHON, LOAD, "setup", "--data-dir", str(data), "--stores", str(n)],
        check=True, capture_output=True, text=True, cwd=ROOT,
        env={**__import__("os").environ, "CARTSTART_SCRYPT_N": "1024", **env_extra},
    ).stdout  # fmt: skip
    stores: list[dict[str, str]] = json.loads(out.strip().splitlines()[-1])
    return stores


async def open_workspaces(hub: HubProc, stores: list[dict[str, str]], agents: int) -> list[str]:
    """Each store's workspace on, and `agents` agents signed in for each of the first stores
    (agents spread round robin when fewer than stores); their tokens."""
    tokens: list[str] = []
    async with httpx.AsyncClient(base_url=hub.http_url, timeout=60) as http:
        sem = asyncio.Semaphore(16)

        async def on(store: dict[str, str]) -> None:
            async with sem:
                auth = {"Authorization": f"Bearer {store['key']}"}
                r = await http.put(f"/api/stores/{store['store_id']}/live",
                                   json={"workspace": True}, headers=auth)  # fmt: skip
                r.raise_for_status()

        await asyncio.gather(*(on(s) for s in stores))
        for i in range(agents):
            store = stores[i % len(stores)]
            auth = {"Authorization": f"Bearer {store['key']}"}
            body = {"email": f"agent{i}@bench.invalid", "name": f"Agent {i}", "role": "agent"}
            r = await http.post(f"/api/stores/{store['store_id']}/agents", json=body, headers=auth)
            r.raise_for_status()
            code = r.json()["invite_code"]
            r = await http.post("/api/agent-invites", json={"code": code, "password": PASSWORD})
            r.raise_for_status()
            tokens.append(r.json()["token"])
    return tokens


def spawn(args: list[str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen([PYTHON, LOAD, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)  # fmt: skip
    return proc


def wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("ready"), line


def finish(proc: subprocess.Popen[str], out: Path) -> dict[str, Any]:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(120)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


async def reports_taken(hubs: list[HubProc]) -> float:
    total = 0.0
    async with httpx.AsyncClient(timeout=30) as http:
        for hub in hubs:
            text = (await http.get(f"{hub.http_url}/metrics")).text
            for line in text.splitlines():
                if line.startswith("cartstart_presence_reports_total"):
                    total += float(line.split()[-1])
    return total


async def run(
    hubs: list[HubProc],
    stores: list[dict[str, str]],
    tokens: list[str],
    visitors: int,
    generators: int,
    seconds: float,
    kind: str,
    tmp: Path,
) -> dict[str, Any]:
    """One measurement: desks, then visitors split over `generators` processes (and over the
    hubs), a warm-up, then the window."""
    rss0 = [rss_kib(h.pid) for h in hubs]
    desk_procs = []
    for i, hub in enumerate(hubs):  # agents on every node
        mine = tokens[i :: len(hubs)]
        if mine:
            (tmp / f"tokens-{kind}-{i}").write_text("\n".join(mine))
            desk_procs.append((spawn(["desks", "--url", f"{hub.ws_url}/ws/desk",
                                      "--tokens", str(tmp / f"tokens-{kind}-{i}"),
                                      "--out", str(tmp / f"desks-{kind}-{i}.json")]),
                               tmp / f"desks-{kind}-{i}.json"))  # fmt: skip
    for proc, _ in desk_procs:
        wait_ready(proc)
    ids = ",".join(s["store_id"] for s in stores)
    per = visitors // generators
    gens = []
    t_open = time.monotonic()
    for g in range(generators):
        hub = hubs[g % len(hubs)]
        out = tmp / f"visitors-{kind}-{g}.json"
        gens.append((spawn(["visitors", "--url", f"{hub.ws_url}/ws/page", "--stores", ids,
                            "--n", str(per), "--first", str(g * per), "--kind", kind,
                            "--out", str(out)]), out))  # fmt: skip
    for proc, _ in gens:
        wait_ready(proc)
    opened = time.monotonic() - t_open
    await asyncio.sleep(WARM_UP)
    rss1 = [rss_kib(h.pid) for h in hubs]
    taken0 = await reports_taken(hubs)
    cpu0 = [cpu_seconds(h.pid) for h in hubs]
    gcpu0 = [cpu_seconds(p.pid) for p, _ in gens + desk_procs]
    busy0, t0 = machine_busy_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    t1 = time.monotonic()
    cpu1 = [cpu_seconds(h.pid) for h in hubs]
    gcpu1 = [cpu_seconds(p.pid) for p, _ in gens + desk_procs]
    busy1 = machine_busy_seconds()
    taken1 = await reports_taken(hubs)
    await asyncio.sleep(1.0)  # the last window's changes reach the desks
    gen_results = [finish(p, out) for p, out in gens]
    desk_results = [finish(p, out) for p, out in desk_procs]
    beats = sum(sum(1 for t in r["beats"] if t0 <= t < t1) for r in gen_results)
    changes = sum(sum(1 for t in r["changes"] if t0 <= t < t1) for r in gen_results)
    lat = [b - a for r in desk_results for a, b in r["seen"] if t0 <= a < t1]
    late = [b - a for r in desk_results for a, b in r["late"] if t0 <= a < t1]
    sent = beats + changes
    hub_cpu = sum(cpu1) - sum(cpu0)
    window = t1 - t0
    result = {
        "kind": kind,
        "nodes": len(hubs),
        "visitors": per * generators,
        "desks": len(tokens),
        "generators": generators,
        "open_seconds": opened,
        "window_s": window,
        "beats": beats,
        "page_changes": changes,
        "arrival_per_s": sent / window,
        "taken_per_s": (taken1 - taken0) / window,
        "hub_cpu_s": hub_cpu,
        "hub_cores": hub_cpu / window,
        "hub_cpu_us_per_report": hub_cpu / sent * 1e6 if sent else float("nan"),
        "rss_kib_per_visitor": [
            (b - a) / (per * generators / len(hubs)) for a, b in zip(rss0, rss1, strict=True)
        ],
        "rss_mib_after": [b / 1024 for b in rss1],
        "generator_cpu_s": [b - a for a, b in zip(gcpu0, gcpu1, strict=True)],
        "machine_busy_cores": (busy1 - busy0) / window,
        "changes_heard": len(lat),
        "changes_expected": changes * len(tokens) if len(stores) == 1 else None,
        "p50_ms": pct(lat, 50) * 1000,
        "p99_ms": pct(lat, 99) * 1000,
        "max_ms": max(lat) * 1000 if lat else float("nan"),
        "changes_heard_late": len(late),
        "late_p50_ms": pct(late, 50) * 1000,
        "errors": sum(len(r["errors"]) for r in gen_results),
        "error_sample": next((r["errors"][0] for r in gen_results if r["errors"]), None),
    }
    print(json.dumps(result), flush=True)
    return result


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


async def scenario(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "uptime_before": uptime()}
    print(results["machine"], "|", results["uptime_before"], flush=True)
    for kind in args.kinds.split(","):  # a fresh hub each, so RSS starts from the same place
        settings: dict[str, str] = {"max_connections": str(args.visitors + 150)}
        services: list[Any] = []
        if args.what == "two":
            from tests.helpers.services import postgres_server, redis_server

            pg = postgres_server()
            dsn = pg.__enter__()
            services.append(pg)
            rd = redis_server(tmp / f"redis-{kind}")
            services.append(rd)
            settings |= {"database_url": dsn, "redis_url": rd.__enter__()}
        data = tmp / f"hub-{kind}"
        hubs: list[HubProc] = []
        try:
            n_hubs = 2 if args.what == "two" else 1
            hubs = [start_hub(data if i == 0 else tmp / f"hub-{kind}-{i}", **settings)
                    for i in range(n_hubs)]  # fmt: skip
            stores = make_stores(data, args.stores, settings)
            tokens = await open_workspaces(hubs[0], stores, args.agents)
            time.sleep(1)
            results[kind] = await run(hubs, stores, tokens, args.visitors, args.generators,
                                      args.seconds, kind, tmp)  # fmt: skip
            results[f"uptime_after_{kind}"] = uptime()
        finally:
            for hub in hubs:
                hub.stop()
            for service in reversed(services):
                service.__exit__(None, None, None)
    if "baseline" not in results or "presence" not in results:
        return results
    base, pres = results["baseline"], results["presence"]
    results["cpu_ratio"] = pres["hub_cpu_us_per_report"] / base["hub_cpu_us_per_report"]
    print(f"presence {pres['hub_cpu_us_per_report']:.0f} µs/report vs baseline "
          f"{base['hub_cpu_us_per_report']:.0f} µs: {results['cpu_ratio']:.2f}x; p99 "
          f"{pres['p99_ms']:.1f} ms; taken {pres['taken_per_s']:.0f}/s of "
          f"{pres['arrival_per_s']:.0f}/s sent | {uptime()}", flush=True)  # fmt: skip
    return results


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["one", "two", "many"])
    parser.add_argument("--visitors", type=int, default=None)
    parser.add_argument("--stores", type=int, default=None)
    parser.add_argument("--agents", type=int, default=None)
    parser.add_argument("--generators", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", default=None)
    parser.add_argument("--kinds", default="baseline,presence")
    args = parser.parse_args()
    many = args.what == "many"
    # 19,800 not 20,000 for `many`: one process may hold 20,000 files here (the hard limit,
    # which this container does not let us raise), and the hub needs some for itself.
    args.visitors = args.visitors or (19800 if many else 5000)
    args.stores = args.stores or (200 if many else 1)
    args.agents = args.agents if args.agents is not None else (10 if many else 5)
    args.generators = args.generators or (4 if many else 2)
    out = Path(args.out or f"bench/results/presence-{args.what}.json")
    with tempfile.TemporaryDirectory() as tmpdir:
        results = await scenario(args, Path(tmpdir))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    asyncio.run(main())
